#!/usr/bin/env python3
"""Regenerates samples/mackerel/*.json, samples/facts/*.json and the host table in samples/README.md.

The fleet is fictional; the *formats* and the CPU facts are real:
- JSON layout: `mkr hosts -v` = mackerel-client-go Host re-serialised by Go encoding/json
  (json.MarshalIndent, 4-space indent; struct fields in declaration order; map keys sorted;
  `&` escaped as \\u0026 while mkr turns \\u003c/\\u003e back into < and >: mkr format/format.go).
- meta.* contents: mackerel-agent spec generators (see /work/shared/docs/reference/mackerel.md §2, §7).
- Brand strings and CPUID family/model/stepping: see the `src` of each CPU below.

Run from the repository root:  python3 samples/tools/make_samples.py
Deterministic: the same input always produces byte-identical files.
"""
import hashlib
import json
import os
import sys

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
SAMPLES = os.path.join(ROOT, "samples")

# --------------------------------------------------------------------------------------------
# Processors. fms = (family, model, stepping) in decimal as /proc/cpuinfo prints them.
# cores/threads are per socket. max = cpuinfo_max_freq/1000 as gopsutil (agent >= 0.79) reports it.
# --------------------------------------------------------------------------------------------
CPUS = {
    # ---- in INTEL-SA-00086 CPU scope (Intel's list, intel-sa-00086.md §1.1/§1.2) ----
    "i7-6700": dict(v="GenuineIntel", b="Intel(R) Core(TM) i7-6700 CPU @ 3.40GHz", fms=(6, 94, 3), c=4, t=2, cache="8192 KB", max="4000",
                    src="intel-sa-00086.md §1.2 (6-94-3)"),
    "i5-7500": dict(v="GenuineIntel", b="Intel(R) Core(TM) i5-7500 CPU @ 3.40GHz", fms=(6, 158, 9), c=4, t=1, cache="6144 KB", max="3800",
                    src="Kaby Lake-S 06-9E-09 (intel-sa-00086.md §1.2, cpu-identification.md §4.2)"),
    "i7-8550U": dict(v="GenuineIntel", b="Intel(R) Core(TM) i7-8550U CPU @ 1.80GHz", fms=(6, 142, 10), c=4, t=2, cache="8192 KB", max="4000",
                     src="intel-sa-00086.md §1.2 (6-142-10)"),
    "i7-8700K": dict(v="GenuineIntel", b="Intel(R) Core(TM) i7-8700K CPU @ 3.70GHz", fms=(6, 158, 10), c=6, t=2, cache="12288 KB", max="4700",
                     src="intel-sa-00086.md §1.2 (6-158-10)"),
    "i7-8700B": dict(v="GenuineIntel", b="Intel(R) Core(TM) i7-8700B CPU @ 3.20GHz", fms=(6, 158, 10), c=6, t=2, cache="12288 KB", max="4600",
                     src="Mac mini (2018); Coffee Lake 06-9E-0A"),
    "E3-1230v5": dict(v="GenuineIntel", b="Intel(R) Xeon(R) CPU E3-1230 v5 @ 3.40GHz", fms=(6, 94, 3), c=4, t=2, cache="8192 KB", max="3800",
                      src="intel-sa-00086.md §1.2 (6-94-3)"),
    "E3-1240v6": dict(v="GenuineIntel", b="Intel(R) Xeon(R) CPU E3-1240 v6 @ 3.70GHz", fms=(6, 158, 9), c=4, t=2, cache="8192 KB", max="4100",
                      src="Kaby Lake 06-9E-09 (intel-sa-00086.md §1.2 lists E3-1240 v6)"),
    "Gold6130": dict(v="GenuineIntel", b="Intel(R) Xeon(R) Gold 6130 CPU @ 2.10GHz", fms=(6, 85, 4), c=16, t=2, cache="22528 KB", max="3700",
                     src="mackerel.md §7.1 / intel-sa-00086.md §1.2 (06-55-04)"),
    "Silver4110": dict(v="GenuineIntel", b="Intel(R) Xeon(R) Silver 4110 CPU @ 2.10GHz", fms=(6, 85, 4), c=8, t=2, cache="11264 KB", max="3000",
                       src="intel-sa-00086.md §1.2 (06-55-04)"),
    "W-2123": dict(v="GenuineIntel", b="Intel(R) Xeon(R) W-2123 CPU @ 3.60GHz", fms=(6, 85, 4), c=4, t=2, cache="8448 KB", max="3900",
                   src="intel-sa-00086.md §1.2 (06-55-04); /proc/cpuinfo quoted in public repos"),
    "C3558": dict(v="GenuineIntel", b="Intel(R) Atom(TM) CPU C3558 @ 2.20GHz", fms=(6, 95, 1), c=4, t=1, cache="2048 KB", max="2200",
                  src="intel-sa-00086.md §1.2 (06-5F-01)"),
    "J3455": dict(v="GenuineIntel", b="Intel(R) Celeron(R) CPU J3455 @ 1.50GHz", fms=(6, 92, 9), c=4, t=1, cache="1024 KB", max="2300",
                  src="intel-sa-00086.md §1.2; illumos dmesg 'family 6 model 92 step 9' (oshi tests)"),
    "N4200": dict(v="GenuineIntel", b="Intel(R) Pentium(R) CPU N4200 @ 1.10GHz", fms=(6, 92, 9), c=4, t=1, cache="1024 KB", max="2500",
                  src="intel-sa-00086.md §1.2 (06-5C-09)"),
    "E3940": dict(v="GenuineIntel", b="Intel(R) Atom(TM) Processor E3940 @ 1.60GHz", fms=(6, 92, 10), c=4, t=1, cache="1024 KB", max="1800",
                  src="intel-sa-00086.md §1.2 (6-92-10)"),
    # ---- outside the CPU list, or where `test("E3|Scalable|W")` gets it wrong ----
    "G4560": dict(v="GenuineIntel", b="Intel(R) Pentium(R) CPU G4560 @ 3.50GHz", fms=(6, 158, 9), c=2, t=2, cache="3072 KB", max="3500",
                  src="intel-sa-00086.md §1.2 (desktop Pentium on the Kaby Lake platform, 06-9E-09)"),
    "i5-5200U": dict(v="GenuineIntel", b="Intel(R) Core(TM) i5-5200U CPU @ 2.20GHz", fms=(6, 61, 4), c=2, t=2, cache="3072 KB", max="2700",
                     src="Broadwell-U 06-3D-04 (cpu-identification.md §4.2)"),
    "E3-1230v3": dict(v="GenuineIntel", b="Intel(R) Xeon(R) CPU E3-1230 v3 @ 3.30GHz", fms=(6, 60, 3), c=4, t=2, cache="8192 KB", max="3700",
                      src="Haswell 06-3C-03 (cpu-identification.md §4.2)"),
    "E3-1220V2": dict(v="GenuineIntel", b="Intel(R) Xeon(R) CPU E3-1220 V2 @ 3.10GHz", fms=(6, 58, 9), c=4, t=1, cache="8192 KB", max="3500",
                      src="Ivy Bridge 06-3A-09; capital 'V2' (cpu-identification.md §3.1)"),
    "W3670": dict(v="GenuineIntel", b="Intel(R) Xeon(R) CPU           W3670  @ 3.20GHz", fms=(6, 44, 2), c=6, t=2, cache="12288 KB", max="3201",
                  src="Westmere-EP 06-2C-02; pre-2012 Xeons pad the number (cpu-identification.md §3.1)"),
    "E5-2680v4": dict(v="GenuineIntel", b="Intel(R) Xeon(R) CPU E5-2680 v4 @ 2.40GHz", fms=(6, 79, 1), c=14, t=2, cache="35840 KB", max="3300",
                      src="Broadwell-EP 06-4F-01 (cpu-identification.md §3.1/§4.2)"),
    "E-2124": dict(v="GenuineIntel", b="Intel(R) Xeon(R) E-2124 CPU @ 3.30GHz", fms=(6, 158, 10), c=4, t=1, cache="8192 KB", max="4300",
                   src="intel-sa-00086.md §1.2 negative case (06-9E-0A)"),
    "i7-8565U": dict(v="GenuineIntel", b="Intel(R) Core(TM) i7-8565U CPU @ 1.80GHz", fms=(6, 142, 11), c=4, t=2, cache="8192 KB", max="4600",
                     src="intel-sa-00086.md §1.2 negative case (06-8E-0B)"),
    "i9-9900K": dict(v="GenuineIntel", b="Intel(R) Core(TM) i9-9900K CPU @ 3.60GHz", fms=(6, 158, 12), c=8, t=2, cache="16384 KB", max="5000",
                     src="cpu-identification.md §4.2 (sC i9-9900K)"),
    "J1900": dict(v="GenuineIntel", b="Intel(R) Celeron(R) CPU  J1900  @ 1.99GHz", fms=(6, 55, 8), c=4, t=1, cache="1024 KB", max="2415.7",
                  src="intel-sa-00086.md §1.2 negative case (06-37-08, double spaces)"),
    "J4105": dict(v="GenuineIntel", b="Intel(R) Celeron(R) J4105 CPU @ 1.50GHz", fms=(6, 122, 1), c=4, t=1, cache="4096 KB", max="2500",
                  src="Gemini Lake 06-7A-01 (cpu-identification.md §3.1/§4.2)"),
    "EPYC7502P": dict(v="AuthenticAMD", b="AMD EPYC 7502P 32-Core Processor", fms=(23, 49, 0), c=32, t=2, cache="512 KB", max="2500",
                      src="Rome 0x17/0x31 (cpu-identification.md §3.2/§4.3)"),
    "Ryzen3700X": dict(v="AuthenticAMD", b="AMD Ryzen 7 3700X 8-Core Processor", fms=(23, 113, 0), c=8, t=2, cache="512 KB", max="3600",
                       src="Matisse 0x17/0x71 (cpu-identification.md §4.3)"),
    "i7-4770": dict(v="GenuineIntel", b="Intel(R) Core(TM) i7-4770 CPU @ 3.40GHz", fms=(6, 60, 3), c=4, t=2, cache="8192 KB", max="3900",
                    src="intel-sa-00086.md §1.2 (blademoon example, ME 9 AMT)"),
    "QemuSkylake": dict(v="GenuineIntel", b="Intel Xeon Processor (Skylake, IBRS)", fms=(6, 85, 4), c=1, t=1, cache="16384 KB", max=None,
                        src="QEMU named model (cpu-identification.md §5.1, openshift/installer#3833)"),
    # ---- cloud ----
    "Plat8175M": dict(v="GenuineIntel", b="Intel(R) Xeon(R) Platinum 8175M CPU @ 2.50GHz", fms=(6, 85, 4), c=1, t=2, cache="33792 KB", max=None,
                      src="mackerel.md §7.2 (EC2 m5)"),
    "EPYC7R13": dict(v="AuthenticAMD", b="AMD EPYC 7R13 Processor", fms=(25, 1, 1), c=1, t=2, cache="512 KB", max=None,
                     src="AWS custom Milan 0x19/0x01 (cpu-identification.md §3.2, §5.1)"),
    "GceHidden": dict(v="GenuineIntel", b="Intel(R) Xeon(R) CPU @ 2.20GHz", fms=(6, 79, 0), c=2, t=2, cache="56320 KB", max=None,
                      src="GCE n1 hidden brand string, Broadwell 06-4F-00"),
    "Plat8171M": dict(v="GenuineIntel", b="Intel(R) Xeon(R) Platinum 8171M CPU @ 2.60GHz", fms=(6, 85, 4), c=2, t=2, cache="36608 KB", max=None,
                      src="Azure cloud-only SKU (cpu-identification.md §5.1)"),
    "EPYC7763": dict(v="AuthenticAMD", b="AMD EPYC 7763 64-Core Processor", fms=(25, 1, 1), c=2, t=2, cache="512 KB", max=None,
                     src="Milan 0x19/0x01 (cpu-identification.md §4.3)"),
}

CUR_MHZ = {  # /proc/cpuinfo "cpu MHz" where there is no cpufreq (VMs, clouds) or for the old agent
    "QemuSkylake": "2095.078", "Plat8175M": "2499.998", "EPYC7R13": "2649.998", "GceHidden": "2200.000",
    "Plat8171M": "2095.191", "EPYC7763": "2445.405",
}


def host_id(name):
    """11 base62-ish characters derived from the name (Mackerel ids look like '2eQGEaLxiYU')."""
    alphabet = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
    n = int.from_bytes(hashlib.sha256(name.encode()).digest()[:12], "big")
    out = []
    for _ in range(11):
        n, r = divmod(n, 62)
        out.append(alphabet[r])
    return "".join(out)


def hexrev(name):
    return hashlib.sha1(name.encode()).hexdigest()[:7]


# --------------------------------------------------------------------------------------------
# meta.cpu builders
# --------------------------------------------------------------------------------------------
def linux_cpus(key, sockets=1, vcpus=None, old_agent=False):
    """One element per logical CPU in kernel order: all first threads, then the HT siblings."""
    c = CPUS[key]
    fam, mod, step = c["fms"]
    if vcpus is not None:  # VM / cloud: vcpus = cores*threads of one virtual socket
        per_core_threads = c["t"]
        cores = max(1, vcpus // per_core_threads)
        sockets = 1
    else:
        per_core_threads = c["t"]
        cores = c["c"]
    out = []
    for thread in range(per_core_threads):
        for s in range(sockets):
            for core in range(cores):
                idx = len(out)
                if old_agent:
                    # < v0.79.0: raw /proc/cpuinfo values; cores = "cpu cores" (per package); mhz = current.
                    mhz = "3201.000" if idx % 5 == 0 else "1596.000"
                    e = {"vendor_id": c["v"], "family": str(fam), "model": str(mod), "model_name": c["b"],
                         "stepping": str(step), "mhz": mhz, "cache_size": c["cache"], "physical_id": str(s),
                         "core_id": str(core), "cores": str(cores)}
                else:
                    mhz = c["max"] if c["max"] is not None and vcpus is None else CUR_MHZ.get(key, "0")
                    e = {"vendor_id": c["v"], "family": str(fam), "model": str(mod), "stepping": str(step),
                         "physical_id": str(s), "core_id": str(core), "cores": "1", "model_name": c["b"],
                         "mhz": mhz, "cache_size": c["cache"]}
                out.append(e)
    return out


def windows_cpus(key, logical, mhz):
    c = CPUS[key]
    return [{"model_name": c["b"], "mhz": mhz, "model": 9, "vendor_id": c["v"]} for _ in range(logical)]


def mac_cpus(key, logical):
    c = CPUS[key]
    fam, mod, step = c["fms"]
    return [{"cores": str(c["c"]), "model_name": c["b"], "model": str(mod), "vendor_id": c["v"],
             "family": str(fam), "stepping": str(step)} for _ in range(logical)]


# --------------------------------------------------------------------------------------------
# other meta parts
# --------------------------------------------------------------------------------------------
def linux_memory(total_gb, swap_gb=4):
    t = total_gb * 1024 * 1024 - 260000
    free = t // 9
    cached = t // 2
    return {
        "total": f"{t}kB", "free": f"{free}kB", "buffers": "4188kB", "cached": f"{cached}kB",
        "active": f"{t * 2 // 5}kB", "inactive": f"{t * 9 // 20}kB", "dirty": "1460kB", "writeback": "0kB",
        "anon_pages": f"{t // 16}kB", "mapped": "201404kB", "slab": f"{t // 32}kB",
        "slab_reclaimable": f"{t // 40}kB", "slab_unreclaim": f"{t // 32 - t // 40}kB", "page_tables": "21508kB",
        "nfs_unstable": "0kB", "bounce": "0kB", "commit_limit": f"{t // 2 + swap_gb * 1048576}kB",
        "committed_as": f"{t // 10}kB", "vmalloc_total": "34359738367kB", "vmalloc_used": "0kB",
        "vmalloc_chunk": "0kB", "swap_cached": "0kB", "swap_total": f"{swap_gb * 1048576}kB",
        "swap_free": f"{swap_gb * 1048576}kB",
    }


def linux_kernel(platform, version, release, kver="#1 SMP"):
    return {"name": "Linux", "os": "GNU/Linux", "release": release, "version": kver, "machine": "x86_64",
            "platform_name": platform, "platform_version": version}


def fs_root(dev, size_kb, used_pct):
    used = size_kb * used_pct // 100
    return {dev: {"kb_size": size_kb, "kb_used": used, "kb_available": size_kb - used,
                  "percent_used": f"{used_pct}%", "mount": "/"}}


def iface(name, ip, mac, v6=True):
    d = {"name": name, "ipAddress": ip, "ipv4Addresses": [ip], "macAddress": mac}
    if v6:
        m = [int(x, 16) for x in mac.split(":")]
        groups = [((m[0] ^ 2) << 8) | m[1], (m[2] << 8) | 0xFF, 0xFE00 | m[3], (m[4] << 8) | m[5]]
        d["ipv6Addresses"] = ["fe80::" + ":".join(f"{g:x}" for g in groups)]
    return d


def mac_for(name, oui="3c:ec:ef"):
    h = hashlib.md5(name.encode()).hexdigest()
    return f"{oui}:{h[0:2]}:{h[2:4]}:{h[4:6]}"


AGENT = ("0.85.0", "2ce60fc")  # revision as in mackerel.md §7 (illustrative)
OLD_AGENT = ("0.44.2", "ab3a6e5")  # 0.44.2 (2017-08-30, mackerel-agent CHANGELOG); revision illustrative


def meta(cpu=None, kernel=None, memory=None, block=None, fs=None, cloud=None, agent=AGENT):
    m = {}
    if agent:
        m["agent-revision"] = agent[1]
        m["agent-version"] = agent[0]
        m["agent-name"] = f"mackerel-agent/{agent[0]} (Revision {agent[1]})"
    if block:
        m["block_device"] = block
    if cpu:
        m["cpu"] = cpu
    if fs:
        m["filesystem"] = fs
    if kernel:
        m["kernel"] = kernel
    if memory:
        m["memory"] = memory
    if cloud:
        m["cloud"] = cloud
    return m


RHEL8 = lambda: linux_kernel("Red Hat Enterprise Linux", "8.9", "4.18.0-513.5.1.el8_9.x86_64", "#1 SMP Fri Sep 29 05:21:10 EDT 2023")
UBU22 = lambda: linux_kernel("Ubuntu", "22.04", "5.15.0-91-generic", "#101-Ubuntu SMP Tue Nov 14 13:30:08 UTC 2023")
DEB12 = lambda: linux_kernel("Debian", "12.4", "6.1.0-17-amd64", "#1 SMP PREEMPT_DYNAMIC Debian 6.1.69-1 (2023-12-30)")
AL2023 = lambda: linux_kernel("Amazon Linux", "2023", "6.1.61-85.141.amzn2023.x86_64", "#1 SMP PREEMPT_DYNAMIC Wed Nov  8 00:39:18 UTC 2023")
CENTOS6 = lambda: linux_kernel("CentOS", "6.10", "2.6.32-754.35.1.el6.x86_64", "#1 SMP Sat Nov 7 12:42:14 UTC 2020")

PERC = {"sda": {"size": "936640512", "removable": "0", "model": "PERC H330 Mini", "rev": "4.30", "state": "running", "timeout": "90", "vendor": "DELL"},
        "dm-0": {"size": "104857600", "removable": "0"}}
NVME = {"nvme0n1": {"size": "1000215216", "removable": "0", "model": "Samsung SSD 970 EVO Plus 500GB", "state": "live"}}
SATA = {"sda": {"size": "500118192", "removable": "0", "model": "Crucial_CT500MX2", "rev": "MU05", "state": "running", "timeout": "30", "vendor": "ATA"}}
EMMC = {"mmcblk0": {"size": "30535680", "removable": "0"}}
VMDK = {"sda": {"size": "104857600", "removable": "0", "model": "Virtual disk", "rev": "2.0", "state": "running", "timeout": "180", "vendor": "VMware"}}
VIRTIO = {"vda": {"size": "83886080", "removable": "0"}}
EBS = {"nvme0n1": {"size": "16777216", "removable": "0", "model": "Amazon Elastic Block Store", "state": "live"}}
GCEPD = {"sda": {"size": "20971520", "removable": "0", "model": "PersistentDisk", "rev": "1", "state": "running", "timeout": "30", "vendor": "Google"}}
AZDISK = {"sda": {"size": "62914560", "removable": "0", "model": "Virtual Disk", "rev": "1.0", "state": "running", "timeout": "30", "vendor": "Msft"},
          "sdb": {"size": "33554432", "removable": "0", "model": "Virtual Disk", "rev": "1.0", "state": "running", "timeout": "30", "vendor": "Msft"}}


# --------------------------------------------------------------------------------------------
# The fleet. Each host: mkr -v object + expectation (verdict, reason) + optional facts.
# Verdict policy: samples/README.md "Verdict policy".
# --------------------------------------------------------------------------------------------
HOSTS = []
FACTS = {}


def add(name, *, env, cpu_label, roles, meta_, verdict, why, created, status="working", display=None, custom=None,
        memo="", retired=False, interfaces=None, size="standard", facts=None, facts_label="—"):
    h = {"id": host_id(name), "name": name}
    if display:
        h["displayName"] = display
    if custom:
        h["customIdentifier"] = custom
    h["size"] = size
    h["status"] = status
    h["memo"] = memo
    h["roles"] = roles
    h["isRetired"] = retired
    h["createdAt"] = created
    h["meta"] = meta_
    if interfaces:
        h["interfaces"] = interfaces
    HOSTS.append(dict(host=h, env=env, cpu=cpu_label, verdict=verdict, why=why, facts=facts_label))
    if facts is not None:
        FACTS[name] = facts


def me(kind, version, amt=None):
    d = {"kind": kind, "version": version}
    if amt is not None:
        d["amt"] = amt
    return d


# ---- Payments: db / api ----------------------------------------------------------------------
add("db01.dc1.example.com", env="on-prem (Dell R740, 2 sockets)", cpu_label="2× Xeon Gold 6130 (06-55-04), 64 logical",
    roles={"Infra": ["backup-target"], "Payments": ["db"]}, display="db01 (DC1 rack 4)", created=1546300800,
    meta_=meta(linux_cpus("Gold6130", sockets=2), RHEL8(), linux_memory(384), PERC,
               fs_root("/dev/mapper/rhel-root", 52403200, 22)),
    interfaces=[iface("eno1", "10.10.4.21", mac_for("db01"))],
    facts=[me("sps", "04.00.03.237")], facts_label="SPS 04.00.03.237",
    verdict="affected", why="SPS 4.0 with hotfix field 3 < 4 (Intel UG Table 2-5 example SPS_E5_04.00.03.237.0): CVE-2017-5706/5709")
add("db02.dc1.example.com", env="on-prem (Dell R740, 2 sockets)", cpu_label="2× Xeon Gold 6130 (06-55-04), 64 logical",
    roles={"Payments": ["db"]}, display="db02 (DC1 rack 4, replica)", created=1546301100, status="standby",
    meta_=meta(linux_cpus("Gold6130", sockets=2), RHEL8(), linux_memory(384), PERC,
               fs_root("/dev/mapper/rhel-root", 52403200, 19)),
    interfaces=[iface("eno1", "10.10.4.22", mac_for("db02"))],
    facts=[me("sps", "04.00.04.294")], facts_label="SPS 04.00.04.294",
    verdict="fixed", why="SPS 4.0 hotfix field 4 ≥ 4: first fixed Purley build 04.00.04.294 (MEA DB r106); standby hosts are triaged")
add("db03.dc1.example.com", env="on-prem (2 sockets)", cpu_label="2× Xeon E5-2680 v4 (06-4F-01), 56 logical",
    roles={"Payments": ["db"]}, created=1483228800,
    meta_=meta(linux_cpus("E5-2680v4", sockets=2), RHEL8(), linux_memory(256), PERC,
               fs_root("/dev/mapper/rhel-root", 52403200, 41)),
    interfaces=[iface("eno1", "10.10.4.23", mac_for("db03"))],
    verdict="not_affected", why="Xeon E5-2600 v4 (Broadwell-EP, C610 / SPS 3.x) is not in Intel's list; the jq regex also (correctly) skips it")
add("api01.dc1.example.com", env="on-prem (2 sockets)", cpu_label="2× Xeon Silver 4110 (06-55-04), 32 logical",
    roles={"Payments": ["api"]}, created=1551398400,
    meta_=meta(linux_cpus("Silver4110", sockets=2), RHEL8(), linux_memory(96), PERC,
               fs_root("/dev/mapper/rhel-root", 52403200, 30)),
    interfaces=[iface("eno1", "10.10.5.11", mac_for("api01"))],
    verdict="needs_confirmation", why="Xeon Scalable (listed); no firmware facts — read the SPS version from the BMC (Linux hides SPS: no /dev/mei0). The jq regex misses it (no \"Scalable\" in the brand)")
add("api02.dc1.example.com", env="on-prem (Supermicro X11SSH-F)", cpu_label="Xeon E3-1230 v5 (06-5E-03), 8 logical",
    roles={"Payments": ["api"]}, created=1514764800,
    meta_=meta(linux_cpus("E3-1230v5"), UBU22(), linux_memory(32), SATA, fs_root("/dev/sda2", 479597204, 12)),
    interfaces=[iface("eno1", "10.10.5.12", mac_for("api02", "ac:1f:6b"))],
    facts=[me("sps", "04.01.03.026")], facts_label="SPS (E3) 04.01.03.026",
    verdict="affected", why="SPS E3 4.x with hotfix field 3 < 4 (Intel UG Table 2-5 example SPS_E3_04.01.03.026.0)")
add("api03.dc1.example.com", env="on-prem (C226 board)", cpu_label="Xeon E3-1230 v3 (06-3C-03), 8 logical",
    roles={"Payments": ["api"]}, created=1420070400,
    meta_=meta(linux_cpus("E3-1230v3"), RHEL8(), linux_memory(32), SATA, fs_root("/dev/sda2", 479597204, 55)),
    interfaces=[iface("eno1", "10.10.5.13", mac_for("api03", "0c:c4:7a"))],
    facts=[me("me", "9.1.41.3024", False)], facts_label="ME 9.1.41.3024, amt false",
    verdict="not_affected", why="ME 9.1 below 9.1.42.3002 but not a corporate/AMT image (amt false): Intel's tool rates non-corporate ME 6–10 not vulnerable. jq regex flags it (\"E3\")")
add("ip-10-0-1-23.ap-northeast-1.compute.internal", env="AWS EC2 m5.xlarge", cpu_label="Xeon Platinum 8175M (06-55-04), 4 vCPU",
    roles={"Payments": ["api"]}, custom="i-0a1b2c3d4e5f67890.ec2.amazonaws.com", created=1700000000,
    meta_=meta(linux_cpus("Plat8175M", vcpus=4), AL2023(), linux_memory(16, 0), EBS,
               fs_root("/dev/nvme0n1p1", 8310764, 24),
               cloud={"provider": "ec2", "metadata": {
                   "instance-id": "i-0a1b2c3d4e5f67890", "instance-type": "m5.xlarge",
                   "placement/availability-zone": "ap-northeast-1a", "security-groups": "default\npayments-api-sg",
                   "ami-id": "ami-0123456789abcdef0", "hostname": "ip-10-0-1-23.ap-northeast-1.compute.internal",
                   "local-hostname": "ip-10-0-1-23.ap-northeast-1.compute.internal", "public-hostname": "",
                   "local-ipv4": "10.0.1.23", "public-ipv4": "", "reservation-id": "r-0fedcba9876543210"}}),
    interfaces=[iface("ens5", "10.0.1.23", "06:5a:1b:2c:3d:4e")],
    verdict="provider_managed", why="EC2 instance (meta.cloud.provider ec2): the platform firmware is AWS's")

# ---- Shop: web / batch -----------------------------------------------------------------------
add("web01.dc2.example.com", env="on-prem", cpu_label="Xeon E3-1230 v5 (06-5E-03), 8 logical",
    roles={"Shop": ["web"]}, created=1517443200,
    meta_=meta(linux_cpus("E3-1230v5"), DEB12(), linux_memory(32), SATA, fs_root("/dev/sda1", 479597204, 37)),
    interfaces=[iface("eno1", "10.20.1.11", mac_for("web01", "ac:1f:6b"))],
    verdict="needs_confirmation", why="Xeon E3-1200 v5 (listed); no facts — SPS E3 (server board) or ME 11 (workstation board) decides")
add("web02.dc2.example.com", env="on-prem", cpu_label="AMD EPYC 7502P (17h/31h), 64 logical",
    roles={"Shop": ["web"]}, created=1588291200,
    meta_=meta(linux_cpus("EPYC7502P"), UBU22(), linux_memory(128), NVME, fs_root("/dev/nvme0n1p2", 479597204, 18)),
    interfaces=[iface("eno1np0", "10.20.1.12", mac_for("web02", "b4:96:91"))],
    verdict="not_affected", why="AMD EPYC 7502P (AuthenticAMD): no Intel ME/SPS/TXE")
add("stg-web01.dc2.example.com", env="on-prem (desktop-class)", cpu_label="AMD Ryzen 7 3700X (17h/71h), 16 logical",
    roles={"Shop": ["web"]}, created=1598918400, status="maintenance",
    memo="maintenance until 2025-07-01 <shop-sre@example.com> & ops",
    meta_=meta(linux_cpus("Ryzen3700X"), UBU22(), linux_memory(64), NVME, fs_root("/dev/nvme0n1p2", 479597204, 44)),
    interfaces=[iface("enp6s0", "10.20.9.31", mac_for("stg-web01", "2c:f0:5d"))],
    verdict="not_affected", why="AMD Ryzen 7 3700X: no Intel engine; maintenance hosts are triaged. (memo carries < > & to test escaping)")
add("shop-web-1.asia-northeast1-b.c.example-shop.internal", env="GCE n1-standard-4", cpu_label="hidden brand \"Intel(R) Xeon(R) CPU @ 2.20GHz\" (06-4F-00), 4 vCPU",
    roles={"Shop": ["web"]}, custom="4815162342108151623.gce.cloud.google.com", created=1609459200,
    meta_=meta(linux_cpus("GceHidden", vcpus=4), DEB12(), linux_memory(15, 0), GCEPD, fs_root("/dev/sda1", 10213044, 31),
               cloud={"provider": "gce", "metadata": {
                   "hostname": "shop-web-1.asia-northeast1-b.c.example-shop.internal", "instance-id": "4815162342108151623",
                   "instance-type": "n1-standard-4", "zone": "asia-northeast1-b", "projectId": "example-shop"}}),
    interfaces=[iface("ens4", "10.146.0.5", "42:01:0a:92:00:05")],
    verdict="provider_managed", why="GCE instance (meta.cloud.provider gce)")
add("shop-web-az01", env="Azure Standard_D4s_v3", cpu_label="Xeon Platinum 8171M (06-55-04), 4 vCPU",
    roles={"Shop": ["web"]}, custom="8b0e4f8e-3c1a-4c6e-9f0e-2d3a4b5c6d7e.virtual_machine.azure.microsoft.com", created=1625097600,
    meta_=meta(linux_cpus("Plat8171M", vcpus=4), UBU22(), linux_memory(16, 0), AZDISK, fs_root("/dev/root", 30298176, 27),
               cloud={"provider": "AzureVM", "metadata": {
                   "location": "japaneast", "imageReferenceOffer": "0001-com-ubuntu-server-jammy", "osSystemType": "Linux",
                   "imageReferencePublisher": "canonical", "imageReferenceSku": "22_04-lts-gen2",
                   "vmID": "8b0e4f8e-3c1a-4c6e-9f0e-2d3a4b5c6d7e", "virtualMachineSizeType": "Standard_D4s_v3",
                   "privateIpAddress": "10.1.0.4", "publicIpAddress": ""}}),
    interfaces=[iface("eth0", "10.1.0.4", "00:0d:3a:51:22:33")],
    verdict="provider_managed", why="Azure VM (meta.cloud.provider AzureVM)")
add("ip-10-0-2-57.ap-northeast-1.compute.internal", env="AWS EC2 c6a.large", cpu_label="AMD EPYC 7R13 (19h/01h), 2 vCPU",
    roles={"Shop": ["batch"]}, custom="i-0c6a0b1c2d3e4f506.ec2.amazonaws.com", created=1672531200,
    meta_=meta(linux_cpus("EPYC7R13", vcpus=2), AL2023(), linux_memory(4, 0), EBS, fs_root("/dev/nvme0n1p1", 8310764, 35),
               cloud={"provider": "ec2", "metadata": {
                   "instance-id": "i-0c6a0b1c2d3e4f506", "instance-type": "c6a.large",
                   "placement/availability-zone": "ap-northeast-1c", "security-groups": "shop-batch-sg",
                   "ami-id": "ami-0fedcba9876543210", "hostname": "ip-10-0-2-57.ap-northeast-1.compute.internal",
                   "local-hostname": "ip-10-0-2-57.ap-northeast-1.compute.internal", "public-hostname": "",
                   "local-ipv4": "10.0.2.57", "public-ipv4": "", "reservation-id": "r-0a0b0c0d0e0f01020"}}),
    interfaces=[iface("ens5", "10.0.2.57", "0a:3b:4c:5d:6e:7f")],
    verdict="provider_managed", why="EC2 instance (meta.cloud.provider ec2)")
add("batch01.dc2.example.com", env="on-prem (C246 board)", cpu_label="Xeon E-2124 (06-9E-0A), 4 logical",
    roles={"Shop": ["batch"]}, created=1561939200,
    meta_=meta(linux_cpus("E-2124"), UBU22(), linux_memory(32), SATA, fs_root("/dev/sda2", 479597204, 61)),
    interfaces=[iface("eno1", "10.20.2.11", mac_for("batch01", "ac:1f:6b"))],
    verdict="not_affected", why="Xeon E-2100 (C240 series, SPS 5 / CSME 12) is not in Intel's list, although its CPUID equals the i7-8700K's")
add("batch02.dc2.example.com", env="on-prem KVM guest", cpu_label="QEMU model \"Intel Xeon Processor (Skylake, IBRS)\" (06-55-04), 4 vCPU",
    roles={"Shop": ["batch"]}, created=1577836800,
    meta_=meta(linux_cpus("QemuSkylake", vcpus=4), RHEL8(), linux_memory(8, 2), VIRTIO, fs_root("/dev/vda1", 41921540, 48)),
    interfaces=[iface("eth0", "10.20.2.12", "52:54:00:6b:1a:2c")],
    verdict="needs_confirmation", why="VM outside a known cloud with a synthetic QEMU CPU model: the hypervisor host's CPU/firmware decides — check it")
add("mac-build01.corp.example.com", env="on-prem Mac mini (2018), macOS", cpu_label="Core i7-8700B (06-9E-0A), 12 logical",
    roles={"Shop": ["batch"]}, created=1580515200,
    meta_=meta(mac_cpus("i7-8700B", 12),
               {"name": "Darwin", "os": "Darwin", "release": "21.6.0", "machine": "x86_64",
                "version": "Darwin Kernel Version 21.6.0: Wed Aug 10 14:25:27 PDT 2022; root:xnu-8020.141.5~2/RELEASE_X86_64",
                "platform_name": "macOS", "platform_version": "12.6"},
               {"total": "33554432kB"}, None,
               {"/dev/disk1s1": {"kb_size": 488245288, "kb_used": 221630812, "kb_available": 266614476,
                                 "percent_used": "46%", "mount": "/System/Volumes/Data"}}),
    interfaces=[iface("en0", "10.30.8.40", mac_for("mac-build01", "f0:18:98"))],
    verdict="needs_confirmation", why="8th gen Core (listed family) on macOS; no facts (Apple ships the ME in its own firmware updates)")

# ---- Corp-IT: fileserver / ad / workstations -------------------------------------------------
add("WIN-FS01", env="on-prem physical, Windows Server 2019", cpu_label="Xeon E3-1240 v6 (brand only), 8 logical",
    roles={"Corp-IT": ["fileserver"]}, display="ファイルサーバ01 (File server 01)", created=1609459200,
    meta_=meta(windows_cpus("E3-1240v6", 8, 3696),
               {"name": "Microsoft Windows", "os": "Microsoft Windows Server 2019 Standard", "version": "10.0.17763",
                "release": "", "machine": "amd64"},
               {"total": "33423012kb", "free": "20876544kb"},
               {"C": {"size": 62914560000, "removable": False}, "D": {"size": 1753418547200, "removable": False}},
               {"C:": {"percent_used": "41%", "kb_used": 42763260, "kb_size": 104203260, "kb_available": 61440000, "mount": "C:",
                       "label": "\\Device\\HarddiskVolume2", "volume_name": "", "fs_type": "ntfs"},
                "D:": {"percent_used": "57%", "kb_used": 2226784256, "kb_size": 3906885632, "kb_available": 1680101376,
                       "mount": "D:", "label": "\\Device\\HarddiskVolume4", "volume_name": "Shares", "fs_type": "ntfs"}}),
    interfaces=[iface("Intel(R) Ethernet Connection I219-LM", "192.168.10.21", mac_for("WIN-FS01", "70:85:c2"))],
    verdict="needs_confirmation", why="Xeon E3-1200 v6 (listed), identified from the brand string alone (Windows sends no family/model); no facts")
add("WIN-DC01", env="VMware guest, Windows Server 2019", cpu_label="Xeon Gold 6130 (passthrough brand), 4 vCPU",
    roles={"Corp-IT": ["ad"]}, display="Domain controller 01", created=1609459300,
    meta_=meta(windows_cpus("Gold6130", 4, 2095),
               {"name": "Microsoft Windows", "os": "Microsoft Windows Server 2019 Standard", "version": "10.0.17763",
                "release": "", "machine": "amd64"},
               {"total": "16776692kb", "free": "9876544kb"},
               {"C": {"size": 62914560000, "removable": False}},
               {"C:": {"percent_used": "41%", "kb_used": 42763260, "kb_size": 104203260, "kb_available": 61440000, "mount": "C:",
                       "label": "\\Device\\HarddiskVolume2", "volume_name": "", "fs_type": "ntfs"}}),
    interfaces=[iface("vmxnet3 Ethernet Adapter", "192.168.10.11", "00:50:56:9a:12:34")],
    verdict="needs_confirmation", why="passthrough brand says Xeon Scalable (listed); no facts — the ESXi host's SPS version decides")
add("corp-ad02", env="Azure Standard_D2as_v5", cpu_label="AMD EPYC 7763 (19h/01h), 2 vCPU",
    roles={"Corp-IT": ["ad"]}, custom="5d2c7a10-8f3e-4b7a-a1c2-9e8d7c6b5a40.virtual_machine.azure.microsoft.com", created=1656633600,
    meta_=meta(linux_cpus("EPYC7763", vcpus=2), UBU22(), linux_memory(8, 0), AZDISK, fs_root("/dev/root", 30298176, 22),
               cloud={"provider": "AzureVM", "metadata": {
                   "location": "japanwest", "imageReferenceOffer": "0001-com-ubuntu-server-jammy", "osSystemType": "Linux",
                   "imageReferencePublisher": "canonical", "imageReferenceSku": "22_04-lts-gen2",
                   "vmID": "5d2c7a10-8f3e-4b7a-a1c2-9e8d7c6b5a40", "virtualMachineSizeType": "Standard_D2as_v5",
                   "privateIpAddress": "10.2.0.4"}}),
    interfaces=[iface("eth0", "10.2.0.4", "00:22:48:6a:7b:8c")],
    verdict="provider_managed", why="Azure VM (meta.cloud.provider AzureVM; publicIpAddress absent because IMDS returned none)")
add("fs02.corp.example.com", env="on-prem workstation-class (C422)", cpu_label="Xeon W-2123 (06-55-04), 8 logical",
    roles={"Corp-IT": ["fileserver"]}, created=1543622400,
    meta_=meta(linux_cpus("W-2123"), DEB12(), linux_memory(64), NVME, fs_root("/dev/nvme0n1p2", 479597204, 70)),
    interfaces=[iface("eno1", "192.168.10.22", mac_for("fs02", "d8:9e:f3"))],
    verdict="needs_confirmation", why="Xeon W family (listed; C422 → ME 11.10/11.11); no facts")
add("ws-sky01.corp.example.com", env="on-prem desktop (Q170)", cpu_label="Core i7-6700 (06-5E-03), 8 logical",
    roles={"Corp-IT": ["workstation"]}, created=1456790400,
    meta_=meta(linux_cpus("i7-6700"), UBU22(), linux_memory(16, 2), SATA, fs_root("/dev/sda2", 479597204, 52)),
    interfaces=[iface("eno1", "192.168.20.31", mac_for("ws-sky01", "d8:9e:f3"))],
    facts=[me("me", "11.0.18.1002", True)], facts_label="ME 11.0.18.1002, amt true",
    verdict="affected", why="ME 11.0 is a vulnerable branch (UG example 11.0.18.1002, SVN 1): CVE-2017-5705/5708/5711/5712")
add("ws-kaby01.corp.example.com", env="on-prem desktop (Q270)", cpu_label="Core i5-7500 (06-9E-09), 4 logical",
    roles={"Corp-IT": ["workstation"]}, created=1496275200,
    meta_=meta(linux_cpus("i5-7500"), UBU22(), linux_memory(16, 2), SATA, fs_root("/dev/sda2", 479597204, 33)),
    interfaces=[iface("eno1", "192.168.20.32", mac_for("ws-kaby01", "d8:9e:f3"))],
    facts=[me("me", "11.6.12.3202", True)], facts_label="ME 11.6.12.3202, amt true",
    verdict="affected", why="ME 11.6 branch: 11.6.12.3202 is the SA-00075 fix (build ≥ 3000) but still SA-00086-vulnerable")
add("ws-kbr01.corp.example.com", env="on-prem mini PC (KBL-R U)", cpu_label="Core i7-8550U (06-8E-0A), 8 logical",
    roles={"Corp-IT": ["workstation"]}, created=1527811200,
    meta_=meta(linux_cpus("i7-8550U"), UBU22(), linux_memory(16, 2), NVME, fs_root("/dev/nvme0n1p2", 479597204, 29)),
    interfaces=[iface("enp0s31f6", "192.168.20.33", mac_for("ws-kbr01", "94:c6:91"))],
    facts=[me("me", "11.8.50.3425", True)], facts_label="ME 11.8.50.3425, amt true",
    verdict="fixed", why="ME 11.8 is a fix branch; 11.8.50.3425 is a first-generation SA-00086 fix (MEA DB r106, HP sp82486)")
add("ws-whl01.corp.example.com", env="on-prem laptop-class (WHL-U)", cpu_label="Core i7-8565U (06-8E-0B), 8 logical",
    roles={"Corp-IT": ["workstation"]}, created=1567296000,
    meta_=meta(linux_cpus("i7-8565U"), UBU22(), linux_memory(16, 2), NVME, fs_root("/dev/nvme0n1p2", 479597204, 40)),
    interfaces=[iface("wlp0s20f3", "192.168.20.34", mac_for("ws-whl01", "f8:e4:e3"))],
    facts=[me("me", "12.0.49.1534", True)], facts_label="ME 12.0.49.1534, amt true",
    verdict="not_affected", why="CSME 12 (Cannon Point) is outside SA-00086 (ME ≥ 12) although the brand says \"8th gen\"")
add("ws-hsw01.corp.example.com", env="on-prem desktop (HP EliteDesk 800 G1 class, Q87)", cpu_label="Core i7-4770 (06-3C-03), 8 logical",
    roles={"Corp-IT": ["workstation"]}, created=1388534400,
    meta_=meta(linux_cpus("i7-4770"), UBU22(), linux_memory(16, 2), SATA, fs_root("/dev/sda2", 479597204, 66)),
    interfaces=[iface("eno1", "192.168.20.35", mac_for("ws-hsw01", "c8:d3:ff"))],
    facts=[me("me", "9.1.41.3024", True)], facts_label="ME 9.1.41.3024, amt true",
    verdict="affected", why="ME 9.1 below 9.1.42.3002 with AMT (corporate image): CVE-2017-5711/5712 (NVD range ends at 9.1.41.3024 inclusive)")
add("dev-cfl01.corp.example.com", env="on-prem desktop (Z370)", cpu_label="Core i7-8700K (06-9E-0A), 12 logical",
    roles={"Corp-IT": ["workstation"]}, created=1525132800,
    meta_=meta(linux_cpus("i7-8700K"), UBU22(), linux_memory(32, 2), NVME, fs_root("/dev/nvme0n1p2", 479597204, 58)),
    interfaces=[iface("enp0s31f6", "192.168.20.36", mac_for("dev-cfl01", "30:9c:23"))],
    verdict="needs_confirmation", why="8th gen Core (Coffee Lake-S, listed; Z370 → ME 11.7/11.8); no facts")

# ---- Infra: bastion / monitoring / nas --------------------------------------------------------
add("bastion01.dc1.example.com", env="on-prem (C216 board)", cpu_label="Xeon E3-1220 V2 (06-3A-09), 4 logical",
    roles={"Infra": ["bastion"]}, created=1388534400,
    meta_=meta(linux_cpus("E3-1220V2"), RHEL8(), linux_memory(16, 2), SATA, fs_root("/dev/sda2", 479597204, 21)),
    interfaces=[iface("eno1", "10.10.0.5", mac_for("bastion01", "00:25:90"))],
    verdict="needs_confirmation", why="Xeon E3 v2 (Ivy Bridge) is not in the CPU list, but its ME 8 era is covered by CVE-2017-5711/5712 when AMT is present; no facts. jq regex flags it (\"E3\")")
add("mon01.dc1.example.com", env="on-prem (X58 workstation), old agent 0.44.2", cpu_label="Xeon W3670 (06-2C-02), 12 logical",
    roles={"Infra": ["monitoring"]}, created=1325376000,
    meta_=meta(linux_cpus("W3670", old_agent=True), CENTOS6(), linux_memory(24, 4), SATA,
               fs_root("/dev/sda2", 479597204, 77), agent=OLD_AGENT),
    interfaces=[iface("eth0", "10.10.0.21", mac_for("mon01", "00:24:e8"), v6=False)],
    verdict="not_affected", why="Xeon W3670 is Westmere-EP (X58/ICH10, no ME 6–10 AMT firmware), not the \"Xeon W\" (W-2100) family; jq regex flags it (\"W\"). Old-agent CPU format (cores = 6 per package, mhz = current)")
add("mon02.dc1.example.com", env="on-prem (Z390)", cpu_label="Core i9-9900K (06-9E-0C), 16 logical",
    roles={"Infra": ["monitoring"]}, created=1554076800,
    meta_=meta(linux_cpus("i9-9900K"), UBU22(), linux_memory(64, 2), NVME, fs_root("/dev/nvme0n1p2", 479597204, 38)),
    interfaces=[iface("eno1", "10.10.0.22", mac_for("mon02", "30:9c:23"))],
    verdict="not_affected", why="9th gen Core (Coffee Lake Refresh on 300-series, CSME 12) is not in Intel's list")
add("nas01.dc1.example.com", env="on-prem NAS (Atom C3000 board)", cpu_label="Atom C3558 (06-5F-01), 4 logical",
    roles={"Infra": ["nas"]}, created=1530403200,
    meta_=meta(linux_cpus("C3558"), DEB12(), linux_memory(16, 2), SATA, fs_root("/dev/sda2", 479597204, 9)),
    interfaces=[iface("eno1", "10.10.0.31", mac_for("nas01", "ac:1f:6b"))],
    verdict="needs_confirmation", why="Atom C3000 (listed; SPS 4.0 expected); no facts")
add("nas02.dc1.example.com", env="on-prem NAS (Gemini Lake)", cpu_label="Celeron J4105 (06-7A-01), 4 logical",
    roles={"Infra": ["nas"]}, created=1569888000,
    meta_=meta(linux_cpus("J4105"), DEB12(), linux_memory(8, 2), SATA, fs_root("/dev/sda2", 479597204, 63)),
    interfaces=[iface("enp1s0", "10.10.0.32", mac_for("nas02", "00:11:32"))],
    verdict="not_affected", why="Gemini Lake Celeron J4105 (TXE 4.0) is not an Apollo Lake part; not in Intel's list")
add("ntp01.dc1.example.com", env="on-prem (C236 board)", cpu_label="Pentium G4560 (06-9E-09), 4 logical",
    roles={"Infra": ["ntp"]}, created=1498867200,
    meta_=meta(linux_cpus("G4560"), DEB12(), linux_memory(8, 2), SATA, fs_root("/dev/sda2", 233312396, 14)),
    interfaces=[iface("eno1", "10.10.0.41", mac_for("ntp01", "ac:1f:6b"))],
    verdict="needs_confirmation", why="desktop Pentium not named by Intel, but on the Kaby Lake platform (same 100/200-series PCH, ME 11.x; inference); no facts")
add("lb-vip01.dc1.example.com", env="registered with `mkr create` (no agent)", cpu_label="none (meta {})",
    roles={"Infra": ["loadbalancer"]}, created=1704067200, memo="F5 VIP; registered by hand",
    meta_={},
    verdict="unknown", why="no meta.cpu at all: nothing to identify (never not_affected)")

# ---- Factory: edge gateways ------------------------------------------------------------------
add("gw01.factory1.example.com", env="on-prem fanless box (Apollo Lake)", cpu_label="Celeron J3455 (06-5C-09), 4 logical",
    roles={"Factory": ["edge-gateway"]}, created=1522540800,
    meta_=meta(linux_cpus("J3455"), DEB12(), linux_memory(8, 1), EMMC, fs_root("/dev/mmcblk0p2", 29313200, 46)),
    interfaces=[iface("enp1s0", "172.16.1.11", mac_for("gw01", "00:e0:4c"))],
    facts=[me("txe", "3.0.1.1107")], facts_label="TXE 3.0.1.1107",
    verdict="affected", why="TXE 3.0 (ptresearch/IntelTXE-PoC target build): CVE-2017-5707/5710")
add("gw02.factory1.example.com", env="on-prem fanless box (Apollo Lake)", cpu_label="Pentium N4200 (06-5C-09), 4 logical",
    roles={"Factory": ["edge-gateway"]}, created=1522627200,
    meta_=meta(linux_cpus("N4200"), DEB12(), linux_memory(8, 1), EMMC, fs_root("/dev/mmcblk0p2", 29313200, 51)),
    interfaces=[iface("enp1s0", "172.16.1.12", mac_for("gw02", "00:e0:4c"))],
    facts=[me("txe", "3.1.50.2222")], facts_label="TXE 3.1.50.2222",
    verdict="fixed", why="TXE 3.1 is the fix branch (3.1.50.2222, MEA DB r106)")
add("gw03.factory2.example.com", env="on-prem industrial PC (Apollo Lake-I)", cpu_label="Atom E3940 (06-5C-0A), 4 logical",
    roles={"Factory": ["edge-gateway"]}, created=1530403200, status="poweroff",
    meta_=meta(linux_cpus("E3940"), DEB12(), linux_memory(4, 1), EMMC, fs_root("/dev/mmcblk0p2", 29313200, 40)),
    interfaces=[iface("enp2s0", "172.16.2.13", mac_for("gw03", "00:07:32"))],
    verdict="needs_confirmation", why="Atom E3900 (listed; TXE 3.0 expected); no facts; poweroff hosts are triaged")
add("gw04.factory2.example.com", env="on-prem fanless box (Bay Trail)", cpu_label="Celeron J1900 (06-37-08), 4 logical",
    roles={"Factory": ["edge-gateway"]}, created=1451606400,
    meta_=meta(linux_cpus("J1900"), DEB12(), linux_memory(4, 1), SATA, fs_root("/dev/sda2", 58559132, 72)),
    interfaces=[iface("enp1s0", "172.16.2.14", mac_for("gw04", "00:e0:4c"))],
    verdict="not_affected", why="Bay Trail Celeron J1900 (TXE 1.x; Protectli tested \"Not Vulnerable\"); brand string has double spaces")

add("hmi01.factory1.example.com", env="on-prem panel PC (Broadwell-U)", cpu_label="Core i5-5200U (06-3D-04), 4 logical",
    roles={"Factory": ["hmi"]}, created=1464739200,
    meta_=meta(linux_cpus("i5-5200U"), UBU22(), linux_memory(8, 2), SATA, fs_root("/dev/sda2", 233312396, 47)),
    interfaces=[iface("enp0s25", "172.16.1.21", mac_for("hmi01", "00:30:18"))],
    facts=[me("me", "10.0.55.3000")], facts_label="ME 10.0.55.3000, amt unknown",
    verdict="needs_confirmation", why="ME 10 below 10.0.56.3002 (10.0.55.3000 = SA-00075 fix, last build in NVD's 5711/5712 range) but whether the image is corporate/AMT is unknown")

# ---- retired --------------------------------------------------------------------------------
add("db00.dc1.example.com", env="on-prem (retired)", cpu_label="Xeon E3-1230 v5 (06-5E-03), 8 logical",
    roles={"Payments": ["db"]}, created=1451606400, retired=True,
    meta_=meta(linux_cpus("E3-1230v5"), RHEL8(), linux_memory(32), SATA, fs_root("/dev/sda2", 479597204, 80)),
    interfaces=[iface("eno1", "10.10.4.20", mac_for("db00", "ac:1f:6b"))],
    verdict="excluded", why="isRetired true: left out of the triage (its CPU would otherwise be in scope)")
add("web00.dc2.example.com", env="on-prem (retired)", cpu_label="Core i7-6700 (06-5E-03), 8 logical",
    roles={"Shop": ["web"]}, created=1451606400, retired=True,
    meta_=meta(linux_cpus("i7-6700"), UBU22(), linux_memory(16), SATA, fs_root("/dev/sda2", 479597204, 80)),
    interfaces=[iface("eno1", "10.20.1.10", mac_for("web00", "d8:9e:f3"))],
    verdict="excluded", why="isRetired true: left out of the triage")


# --------------------------------------------------------------------------------------------
# Serialisation
# --------------------------------------------------------------------------------------------
def sort_maps(v, top=False):
    """Go encoding/json sorts map keys; struct fields keep declaration order (handled by the caller)."""
    if isinstance(v, dict):
        return {k: sort_maps(v[k]) for k in sorted(v)}
    if isinstance(v, list):
        return [sort_maps(x) for x in v]
    return v


META_ORDER = ["agent-revision", "agent-version", "agent-name", "block_device", "cpu", "filesystem", "kernel", "memory", "cloud"]
IFACE_ORDER = ["name", "ipAddress", "ipv4Addresses", "ipv6Addresses", "macAddress"]


def to_mkr(h):
    out = {}
    for k in ["id", "name", "displayName", "customIdentifier", "size", "status", "memo", "roles", "isRetired", "createdAt"]:
        if k in h:
            out[k] = sort_maps(h[k])
    m = {}
    for k in META_ORDER:
        if k in h["meta"]:
            if k == "cloud":
                c = h["meta"]["cloud"]
                m[k] = {"provider": c["provider"], "metadata": sort_maps(c["metadata"])}
            else:
                m[k] = sort_maps(h["meta"][k])
    out["meta"] = m
    if h.get("interfaces"):
        out["interfaces"] = [{k: i[k] for k in IFACE_ORDER if k in i} for i in h["interfaces"]]
    return out


def go_json(v):
    s = json.dumps(v, indent=4, ensure_ascii=False)
    # Go escapes &, <, > as \u0026 etc.; mkr turns \u003c and \u003e back into < and >, but not &.
    return s.replace("&", "\\u0026") + "\n"


def to_api(h):
    """API shape (GET /api/v0/hosts): agent key order, ipv6Address kept, retiredAt present."""
    out = {"id": h["id"], "name": h["name"]}
    for k in ["displayName", "customIdentifier"]:
        if k in h:
            out[k] = h[k]
    out.update({"memo": h["memo"], "size": h["size"], "status": h["status"], "isRetired": h["isRetired"]})
    if h["isRetired"]:
        out["retiredAt"] = h["createdAt"] + 3 * 365 * 86400
    out.update({"createdAt": h["createdAt"], "roles": h["roles"]})
    ifs = []
    for i in h.get("interfaces", []):
        d = {"name": i["name"], "macAddress": i["macAddress"], "ipv4Addresses": i["ipv4Addresses"],
             "ipv6Addresses": i.get("ipv6Addresses", []), "ipAddress": i["ipAddress"]}
        if i.get("ipv6Addresses"):
            d["ipv6Address"] = i["ipv6Addresses"][0]
        ifs.append(d)
    out["interfaces"] = ifs
    out["meta"] = h["meta"]  # agent insertion order (e.g. cpu keys vendor_id, family, model, ...)
    return out


def main():
    hosts = [x["host"] for x in HOSTS]
    names = [h["name"] for h in hosts]
    assert len(set(names)) == len(names)
    assert len({h["id"] for h in hosts}) == len(hosts)
    mk = os.path.join(SAMPLES, "mackerel")
    os.makedirs(mk, exist_ok=True)
    with open(os.path.join(mk, "hosts.json"), "w", encoding="utf-8", newline="\n") as f:
        f.write(go_json([to_mkr(h) for h in hosts]))
    api_pick = ["db01.dc1.example.com", "WIN-FS01", "ip-10-0-1-23.ap-northeast-1.compute.internal",
                "lb-vip01.dc1.example.com", "db00.dc1.example.com"]
    api_hosts = [to_api(h) for h in hosts if h["name"] in api_pick]
    with open(os.path.join(mk, "hosts-api.json"), "w", encoding="utf-8", newline="\n") as f:
        f.write(json.dumps({"hosts": api_hosts}, indent=2, ensure_ascii=False) + "\n")
    fd = os.path.join(SAMPLES, "facts")
    os.makedirs(fd, exist_ok=True)
    for name, fw in sorted(FACTS.items()):
        with open(os.path.join(fd, f"{name}.json"), "w", encoding="utf-8", newline="\n") as f:
            f.write(json.dumps({"firmware": fw}, indent=2) + "\n")

    # The same fleet in the other inventory formats (samples/tools/other_formats.py).
    sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
    import other_formats
    other_formats.write_all(SAMPLES, HOSTS, FACTS, CPUS)

    # README table
    rows = ["| # | Host | Status | Environment | CPU (signature, logical CPUs) | Facts | Expected verdict | Why |",
            "|---|---|---|---|---|---|---|---|"]
    for i, x in enumerate(HOSTS, 1):
        h = x["host"]
        st = "retired" if h["isRetired"] else h["status"]
        cells = [str(i), f"`{h['name']}`", st, x["env"], x["cpu"], x["facts"], f"**{x['verdict']}**", x["why"]]
        rows.append("| " + " | ".join(c.replace("|", "\\|") for c in cells) + " |")
    table = "\n".join(rows)
    counts = {}
    for x in HOSTS:
        counts[x["verdict"]] = counts.get(x["verdict"], 0) + 1
    summary = ", ".join(f"{k} {counts[k]}" for k in
                        ["affected", "needs_confirmation", "fixed", "not_affected", "provider_managed", "unknown", "excluded"]
                        if k in counts)
    readme = os.path.join(SAMPLES, "README.md")
    text = open(readme, encoding="utf-8").read()
    start, end = "<!-- hosts-table:start -->", "<!-- hosts-table:end -->"
    a, b = text.index(start) + len(start), text.index(end)
    text = text[:a] + "\n" + table + "\n\nTotals (" + str(len(HOSTS)) + " hosts): " + summary + ".\n" + text[b:]
    with open(readme, "w", encoding="utf-8", newline="\n") as f:
        f.write(text)
    print(f"{len(hosts)} hosts, {sum(len(h['meta'].get('cpu', [])) for h in hosts)} cpu entries, "
          f"{len(FACTS)} facts files; {summary}", file=sys.stderr)


if __name__ == "__main__":
    main()
