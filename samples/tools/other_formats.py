"""The sample fleet of make_samples.py in the other inventory formats VulnTriage reads.

Called by make_samples.py (run that, not this). Every format describes the same hosts with the same names, so
`vulntriage triage --inventory <format> --facts samples/facts` gives each host the verdict the Mackerel sample gives it
(tests/VulnTriage.Cli.Tests/InventoryFormatsTests.cs checks it). What each format can carry follows the real tools,
cited per writer below; where a format cannot carry a fact, the sample leaves it out rather than invent it.

Which hosts each format holds, and why:
- csv/hosts.csv (a CMDB export): all 40 hosts, the 2 retired ones with status "retired".
- osquery, fleet, ansible: the 37 hosts that run an agent / answer SSH or WinRM: not the 2 retired machines (gone), not
  lb-vip01 (an F5 VIP registered by hand, nothing runs on it).
- probe: the 34 Linux hosts of those 37 (`vulntriage probe` reads /proc and /sys; not Windows, not macOS).
"""
import hashlib
import json
import os
import uuid

# Teams per Mackerel service, for the label examples (osquery decoration "team", CSV label column, Ansible groups).
TEAMS = {"Payments": "payments-sre", "Shop": "shop-web", "Corp-IT": "corp-it", "Infra": "infra", "Factory": "factory-ot"}

AZURE_TAG = "7783-7084-3265-9085-8269-3286-77"  # Azure's chassis asset tag (docs/probe-format.md, DMI rules)

# DMI (sys_vendor, product_name, bios_vendor, bios_version, bios_date, board_vendor, board_name), invented but shaped like
# what these machines report; the cloud and hypervisor strings are the real ones the DMI rules match.
DMI = {
    "db01.dc1.example.com": ("Dell Inc.", "PowerEdge R740", "Dell Inc.", "2.10.2", "02/24/2021", "Dell Inc.", "06WXJT"),
    "db02.dc1.example.com": ("Dell Inc.", "PowerEdge R740", "Dell Inc.", "2.10.2", "02/24/2021", "Dell Inc.", "06WXJT"),
    "db03.dc1.example.com": ("Dell Inc.", "PowerEdge R730", "Dell Inc.", "2.11.0", "11/02/2019", "Dell Inc.", "0WCJNT"),
    "api01.dc1.example.com": ("Supermicro", "SYS-6019P-MT", "American Megatrends Inc.", "3.4", "11/04/2020", "Supermicro", "X11DPi-N"),
    "api02.dc1.example.com": ("Supermicro", "Super Server", "American Megatrends Inc.", "2.4", "01/29/2019", "Supermicro", "X11SSH-F"),
    "api03.dc1.example.com": ("Supermicro", "Super Server", "American Megatrends Inc.", "3.2", "05/29/2018", "Supermicro", "X10SLH-F/X10SLM+-F"),
    "ip-10-0-1-23.ap-northeast-1.compute.internal": ("Amazon EC2", "m5.xlarge", "Amazon EC2", "1.0", "10/16/2017", "Amazon EC2", None),
    "web01.dc2.example.com": ("Supermicro", "Super Server", "American Megatrends Inc.", "2.2", "05/23/2018", "Supermicro", "X11SSL-F"),
    "web02.dc2.example.com": ("Supermicro", "AS -1114S-WTRT", "American Megatrends Inc.", "2.1", "06/14/2021", "Supermicro", "H12SSW-NT"),
    "stg-web01.dc2.example.com": ("System manufacturer", "System Product Name", "American Megatrends Inc.", "4021", "08/09/2021", "ASUSTeK COMPUTER INC.", "PRIME X570-P"),
    "shop-web-1.asia-northeast1-b.c.example-shop.internal": ("Google", "Google Compute Engine", "Google", "Google", "06/07/2024", "Google", "Google Compute Engine"),
    "shop-web-az01": ("Microsoft Corporation", "Virtual Machine", "Microsoft Corporation", "Hyper-V UEFI Release v4.1", "08/23/2024", "Microsoft Corporation", "Virtual Machine"),
    "ip-10-0-2-57.ap-northeast-1.compute.internal": ("Amazon EC2", "c6a.large", "Amazon EC2", "1.0", "10/16/2017", "Amazon EC2", None),
    "batch01.dc2.example.com": ("Supermicro", "Super Server", "American Megatrends Inc.", "1.4", "12/11/2019", "Supermicro", "X11SCL-F"),
    "batch02.dc2.example.com": ("QEMU", "Standard PC (Q35 + ICH9, 2009)", "SeaBIOS", "1.16.0-3.module+el8.7.0+1218+f626c2ff", "04/01/2014", None, None),
    "mac-build01.corp.example.com": ("Apple Inc.", "Macmini8,1", "Apple Inc.", "1554.140.20.0.0", "06/13/2022", "Apple Inc.", "Mac-7BA5B2DFE22DDD8C"),
    "WIN-FS01": ("Supermicro", "Super Server", "American Megatrends Inc.", "3.3", "02/21/2020", "Supermicro", "X11SSH-F"),
    "WIN-DC01": ("VMware, Inc.", "VMware7,1", "VMware, Inc.", "VMW71.00V.16707776.B64.2008070230", "08/07/2020", "Intel Corporation", "440BX Desktop Reference Platform"),
    "corp-ad02": ("Microsoft Corporation", "Virtual Machine", "Microsoft Corporation", "Hyper-V UEFI Release v4.1", "08/23/2024", "Microsoft Corporation", "Virtual Machine"),
    "fs02.corp.example.com": ("Dell Inc.", "Precision 5820 Tower", "Dell Inc.", "2.8.0", "07/26/2020", "Dell Inc.", "002KVM"),
    "ws-sky01.corp.example.com": ("HP", "HP EliteDesk 800 G2 SFF", "HP", "N01 Ver. 02.35", "08/01/2018", "HP", "8054"),
    "ws-kaby01.corp.example.com": ("HP", "HP EliteDesk 800 G3 SFF", "HP", "P01 Ver. 02.31", "06/22/2018", "HP", "829A"),
    "ws-kbr01.corp.example.com": ("GIGABYTE", "GB-BRi7H-8550", "American Megatrends Inc.", "F6", "11/14/2018", "GIGABYTE", "MFLP7AP-00"),
    "ws-whl01.corp.example.com": ("LENOVO", "20QDCTO1WW", "LENOVO", "N2HET63W (1.46 )", "06/30/2021", "LENOVO", "20QDCTO1WW"),
    "ws-hsw01.corp.example.com": ("Hewlett-Packard", "HP EliteDesk 800 G1 SFF", "Hewlett-Packard", "L01 v02.78", "01/27/2017", "Hewlett-Packard", "18E7"),
    "dev-cfl01.corp.example.com": ("System manufacturer", "System Product Name", "American Megatrends Inc.", "3004", "07/12/2021", "ASUSTeK COMPUTER INC.", "PRIME Z370-A"),
    "bastion01.dc1.example.com": ("Supermicro", "X9SCL/X9SCM", "American Megatrends Inc.", "2.0b", "09/17/2012", "Supermicro", "X9SCL/X9SCM"),
    "mon01.dc1.example.com": ("Dell Inc.", "Precision WorkStation T3500", "Dell Inc.", "A17", "05/28/2013", "Dell Inc.", "09KPNV"),
    "mon02.dc1.example.com": ("Gigabyte Technology Co., Ltd.", "Z390 AORUS PRO", "American Megatrends Inc.", "F12", "11/05/2021", "Gigabyte Technology Co., Ltd.", "Z390 AORUS PRO-CF"),
    "nas01.dc1.example.com": ("Supermicro", "Super Server", "American Megatrends Inc.", "1.3", "01/17/2020", "Supermicro", "A2SDi-4C-HLN4F"),
    "nas02.dc1.example.com": ("To Be Filled By O.E.M.", "To Be Filled By O.E.M.", "American Megatrends Inc.", "P1.40", "08/06/2019", "ASRock", "J4105-ITX"),
    "ntp01.dc1.example.com": ("Supermicro", "Super Server", "American Megatrends Inc.", "2.2", "05/23/2018", "Supermicro", "X11SSL-CF"),
    "gw01.factory1.example.com": ("Default string", "Default string", "American Megatrends Inc.", "5.12", "06/11/2019", "Default string", "Default string"),
    "gw02.factory1.example.com": ("Default string", "Default string", "American Megatrends Inc.", "5.12", "06/11/2019", "Default string", "Default string"),
    "gw03.factory2.example.com": ("Advantech", "ARK-1124H", "American Megatrends Inc.", "V1.10", "03/18/2019", "Advantech", "ARK-1124H"),
    "gw04.factory2.example.com": ("Default string", "Default string", "American Megatrends Inc.", "5.6.5", "01/05/2016", "Default string", "Default string"),
    "hmi01.factory1.example.com": ("Advantech", "PPC-3150", "American Megatrends Inc.", "V1.20", "10/05/2016", "Advantech", "PPC-3150"),
}

# Hosts that reached the probe's MEI interface (the Linux kernel binds mei_me on ME and TXE platforms): the facts-file
# firmware, with the PCI device id a real device of that platform has (Intel datasheets; TXE ids from docs/probe-format.md).
MEI_DEVICE = {
    "ws-sky01.corp.example.com": "0xa13a",   # 100-series (Sunrise Point) HECI #1
    "ws-kaby01.corp.example.com": "0xa2ba",  # 200-series (Union Point) HECI #1
    "ws-kbr01.corp.example.com": "0x9d3a",   # Sunrise Point-LP HECI #1
    "ws-whl01.corp.example.com": "0x9de0",   # Cannon Point-LP HECI #1
    "ws-hsw01.corp.example.com": "0x8c3a",   # 8-series (Lynx Point) HECI #1
    "hmi01.factory1.example.com": "0x9cba",  # Wildcat Point-LP HECI #1
    "gw01.factory1.example.com": "0x5a9a",   # Apollo Lake TXE
    "gw02.factory1.example.com": "0x5a9a",
}


def live(hosts):
    """Hosts an agent-based inventory would hold: not retired, not lb-vip01 (no agent, no OS to log in to)."""
    return [h for h in hosts if not h["isRetired"] and h["meta"].get("cpu")]


def os_kind(h):
    kernel = h["meta"].get("kernel", {})
    return {"Microsoft Windows": "windows", "Darwin": "darwin"}.get(kernel.get("name"), "linux")


def cpu_of(h, cpus):
    """(vendor, brand, (family, model, stepping) or None, logical CPUs, sockets) from meta.cpu."""
    entries = h["meta"]["cpu"]
    first = entries[0]
    brand = first["model_name"]
    fms = None
    if "family" in first:
        fms = (int(first["family"]), int(first["model"]), int(first["stepping"]))
    else:
        fms = next((c["fms"] for c in cpus.values() if c["b"] == brand), None)
    sockets = len({e.get("physical_id", "0") for e in entries})
    return first["vendor_id"], brand, fms, len(entries), sockets


def cloud_of(h):
    c = h["meta"].get("cloud")
    return (c["provider"], c["metadata"]) if c else (None, None)


def team_of(h):
    """The owning team: of the host's own service (db01 also backs up for Infra, but Payments owns it)."""
    return TEAMS[sorted(h["roles"], key=lambda s: (s == "Infra", s))[0]]


def host_uuid(name):
    return str(uuid.uuid5(uuid.NAMESPACE_DNS, name))


def unix_time(h, offset=0):
    return 1735689600 + (int(hashlib.sha256(h["name"].encode()).hexdigest()[:4], 16) % 3600) + offset


def calendar(t):
    import datetime
    return datetime.datetime.fromtimestamp(t, datetime.timezone.utc).strftime("%a %b %d %H:%M:%S %Y UTC").replace(" 0", "  ", 1)


# ------------------------------------------------------------------------------------------------------------------
# osquery results log. Shape: osquery docs/wiki/deployment/logging.md (snapshot, event and batch formats) and
# osquery/core/query.cpp (hostIdentifier, calendarTime, unixTime, epoch, counter, numerics, decorations). Columns:
# specs/system_info.table and the Linux/Windows/Darwin system_info.cpp (cpu_type = uname machine on Linux, "x86_64" on
# Windows, a Mach slot name on macOS; cpu_subtype = /proc/cpuinfo "model" on Linux, "-1" on Windows, a name on macOS).
# ------------------------------------------------------------------------------------------------------------------
def system_info(h, cpus):
    vendor, brand, fms, logical, sockets = cpu_of(h, cpus)
    dmi = DMI[h["name"]]
    kind = os_kind(h)
    cpu_type, cpu_subtype = {"linux": ("x86_64", str(fms[1]) if fms else "0"),
                             "windows": ("x86_64", "-1"),
                             "darwin": ("x86_64h", "Intel x86-64h Haswell")}[kind]
    short = h["name"].split(".")[0]
    return {
        "hostname": h["name"], "uuid": host_uuid(h["name"]).upper(), "cpu_type": cpu_type, "cpu_subtype": cpu_subtype,
        "cpu_brand": brand, "cpu_physical_cores": str(max(1, logical // 2)), "cpu_logical_cores": str(logical),
        "cpu_sockets": str(sockets), "cpu_microcode": "", "physical_memory": "34359738368",
        "hardware_vendor": dmi[0] or "", "hardware_model": dmi[1] or "", "hardware_version": "-1" if kind == "windows" else "",
        "hardware_serial": "", "board_vendor": dmi[5] or "", "board_model": dmi[6] or "", "board_version": "", "board_serial": "",
        "computer_name": short if kind != "windows" else h["name"], "local_hostname": h["name"] if kind != "darwin" else short + ".local",
    }


def osquery_log(hosts, cpus):
    lines = []
    for i, h in enumerate(live(hosts)):
        name = h["name"]
        t = unix_time(h)
        # host_identifier=uuid on the Windows file server (osquery's flag for non-unique hostnames): its name then
        # comes from system_info.hostname.
        ident = host_uuid(name).upper() if name == "WIN-FS01" else name
        deco = {"host_uuid": host_uuid(name).upper(), "team": team_of(h)}
        head = {"name": "pack_vulntriage_system_info", "hostIdentifier": ident, "calendarTime": calendar(t),
                "unixTime": t, "epoch": 0, "counter": 0, "numerics": False, "decorations": deco}
        row = system_info(h, cpus)
        if i % 10 == 3:
            # Event format (the default for differential queries): one "added" line per row.
            lines.append(dict({"action": "added", "columns": row}, **head))
        elif i % 10 == 7:
            # Batch format (--logger_event_type=false).
            lines.append(dict({"diffResults": {"added": [row], "removed": []}}, **head))
        else:
            lines.append(dict({"snapshot": [row], "action": "snapshot"}, **head))
        provider, meta = cloud_of(h)
        if provider == "ec2":
            ec2 = {"instance_id": meta["instance-id"], "instance_type": meta["instance-type"], "architecture": "x86_64",
                   "region": meta["placement/availability-zone"][:-1], "availability_zone": meta["placement/availability-zone"],
                   "local_hostname": meta["local-hostname"], "local_ipv4": meta["local-ipv4"], "mac": h["interfaces"][0]["macAddress"],
                   "security_groups": meta["security-groups"].replace("\n", ","), "iam_arn": "", "ami_id": meta["ami-id"],
                   "reservation_id": meta["reservation-id"], "account_id": "123456789012", "ssh_public_key": ""}
            lines.append(dict({"snapshot": [ec2], "action": "snapshot"}, **dict(head, name="pack_vulntriage_ec2", unixTime=t + 1)))
        elif provider == "AzureVM":
            az = {"location": meta["location"], "name": name, "offer": meta["imageReferenceOffer"], "publisher": meta["imageReferencePublisher"],
                  "sku": meta["imageReferenceSku"], "version": "latest", "os_type": "Linux", "platform_update_domain": "0",
                  "platform_fault_domain": "0", "vm_id": meta["vmID"], "vm_size": meta["virtualMachineSizeType"],
                  "subscription_id": "00000000-0000-4000-8000-000000000000", "resource_group_name": "corp", "placement_group_id": "",
                  "vm_scale_set_name": "", "zone": ""}
            lines.append(dict({"snapshot": [az], "action": "snapshot"}, **dict(head, name="pack_vulntriage_azure", unixTime=t + 1)))
    return "".join(json.dumps(line, separators=(",", ":"), ensure_ascii=False) + "\n" for line in lines)


# ------------------------------------------------------------------------------------------------------------------
# Fleet: GET /api/v1/fleet/hosts list shape and field names from fleetdm/fleet docs/REST API/rest-api.md (List hosts).
# ------------------------------------------------------------------------------------------------------------------
def fleet_hosts(hosts, cpus):
    out = []
    for i, h in enumerate(live(hosts), 1):
        row = system_info(h, cpus)
        kind = os_kind(h)
        kernel = h["meta"].get("kernel", {})
        platform = {"windows": "windows", "darwin": "darwin"}.get(kind, (kernel.get("platform_name") or "linux").split()[0].lower())
        os_version = {"windows": kernel.get("os", "Windows"), "darwin": "macOS " + kernel.get("platform_version", "")}.get(
            kind, f"{kernel.get('platform_name', '')} {kernel.get('platform_version', '')}".strip())
        team_id = sorted(TEAMS.values()).index(team_of(h)) + 1
        out.append({
            "created_at": "2025-01-01T00:00:00Z", "updated_at": "2025-01-01T01:00:00Z", "id": i,
            "detail_updated_at": "2025-01-01T01:00:00Z", "label_updated_at": "2025-01-01T01:00:00Z",
            "policy_updated_at": "2025-01-01T01:00:00Z", "last_enrolled_at": "2024-12-01T00:00:00Z",
            "seen_time": "2025-01-01T01:05:00Z", "refetch_requested": False, "hostname": h["name"], "uuid": row["uuid"],
            "platform": platform, "osquery_version": "5.13.1", "os_version": os_version, "build": "",
            "platform_like": "rhel" if platform in ("red", "centos") else platform, "code_name": "",
            "uptime": 8305000000000, "memory": 34359738368, "cpu_type": row["cpu_type"], "cpu_subtype": row["cpu_subtype"],
            "cpu_brand": row["cpu_brand"], "cpu_physical_cores": int(row["cpu_physical_cores"]),
            "cpu_logical_cores": int(row["cpu_logical_cores"]), "hardware_vendor": row["hardware_vendor"],
            "hardware_model": row["hardware_model"], "hardware_version": row["hardware_version"], "hardware_serial": "",
            "computer_name": row["computer_name"], "display_name": row["computer_name"], "public_ip": "",
            "primary_ip": h["interfaces"][0]["ipAddress"], "primary_mac": h["interfaces"][0]["macAddress"],
            "distributed_interval": 10, "config_tls_refresh": 10, "logger_tls_period": 10, "team_id": team_id,
            "team_name": team_of(h), "pack_stats": None,
            "issues": {"failing_policies_count": 0, "total_issues_count": 0}, "status": "online", "display_text": h["name"],
        })
    return json.dumps({"hosts": out}, indent=2, ensure_ascii=False) + "\n"


# ------------------------------------------------------------------------------------------------------------------
# Ansible. Fact names: lib/ansible/module_utils/facts/hardware/linux.py (ansible_processor triples, processor_count,
# _cores, _threads_per_core, _vcpus, _nproc; DMI facts, "NA" when unreadable), hardware/darwin.py (processor is a string),
# ansible.windows setup.ps1 (ansible_processor triples from the CentralProcessor registry keys). Cache layout:
# lib/ansible/plugins/cache/jsonfile.py (one file per host, json.dumps sort_keys, indent 4) before 2.19; from 2.19
# "<prefix>s1_<host>" holding {"__payload__": "<json>"} on one line (lib/ansible/_internal/_plugins/_cache.py,
# ansible/ansible#86028, #86055).
# ------------------------------------------------------------------------------------------------------------------
def ansible_facts(h, cpus):
    vendor, brand, fms, logical, sockets = cpu_of(h, cpus)
    dmi = DMI[h["name"]]
    kind = os_kind(h)
    kernel = h["meta"].get("kernel", {})
    name = h["name"]
    short = name.split(".")[0]
    f = {"ansible_hostname": short, "ansible_fqdn": name, "ansible_nodename": name if kind == "linux" else short,
         "discovered_interpreter_python": "/usr/bin/python3", "gather_subset": ["all"], "module_setup": True}
    if kind == "darwin":
        f.update({"ansible_processor": brand, "ansible_processor_cores": logical // 2, "ansible_processor_vcpus": logical,
                  "ansible_system": "Darwin", "ansible_os_family": "Darwin", "ansible_distribution": "MacOSX",
                  "ansible_distribution_version": kernel.get("platform_version", ""), "ansible_model": dmi[1], "ansible_product_name": dmi[1]})
        return f
    processor = []
    for i in range(logical):
        processor += [str(i), vendor, brand]
    f.update({
        "ansible_processor": processor, "ansible_processor_count": sockets, "ansible_processor_cores": max(1, logical // (2 * sockets)),
        "ansible_processor_threads_per_core": 2 if logical > 1 else 1, "ansible_processor_vcpus": logical,
        "ansible_system_vendor": dmi[0], "ansible_product_name": dmi[1], "ansible_bios_vendor": dmi[2],
        "ansible_bios_version": dmi[3], "ansible_bios_date": dmi[4], "ansible_board_vendor": dmi[5] or "NA",
        "ansible_board_name": dmi[6] or "NA", "ansible_product_uuid": host_uuid(name) if kind == "linux" else "NA",
        "ansible_chassis_asset_tag": AZURE_TAG if dmi[1] == "Virtual Machine" else "NA",
    })
    if kind == "windows":
        # ansible.windows setup: no chassis asset tag, no nproc.
        del f["ansible_chassis_asset_tag"]
        f.update({"ansible_system": "Win32NT", "ansible_os_family": "Windows", "ansible_os_name": kernel.get("os", "")})
    else:
        virt = {"Amazon EC2": "kvm", "Google": "kvm", "Microsoft Corporation": "VirtualPC", "QEMU": "kvm", "VMware, Inc.": "VMware"}.get(dmi[0])
        f.update({"ansible_system": "Linux", "ansible_os_family": {"Red Hat Enterprise Linux": "RedHat", "CentOS": "RedHat",
                                                                    "Amazon Linux": "RedHat"}.get(kernel.get("platform_name"), "Debian"),
                  "ansible_kernel": kernel.get("release", ""), "ansible_machine": "x86_64", "ansible_processor_nproc": logical,
                  "ansible_virtualization_type": virt or "NA", "ansible_virtualization_role": "guest" if virt else "NA"})
    return f


def ansible_cache(hosts, cpus, directory):
    os.makedirs(directory, exist_ok=True)
    for old in os.listdir(directory):
        os.remove(os.path.join(directory, old))
    # Three hosts were last gathered before the upgrade to ansible-core 2.19 and still have old-format files; db01 has
    # both (a stale old file next to its new s1_ file), as a cache directory does after the upgrade.
    old_format = {"db03.dc1.example.com", "bastion01.dc1.example.com", "mon01.dc1.example.com"}
    for h in live(hosts):
        facts = ansible_facts(h, cpus)
        if h["name"] in old_format or h["name"] == "db01.dc1.example.com":
            with open(os.path.join(directory, h["name"]), "w", encoding="utf-8", newline="\n") as f:
                f.write(json.dumps(facts, sort_keys=True, indent=4))
        if h["name"] not in old_format:
            with open(os.path.join(directory, "s1_" + h["name"]), "w", encoding="utf-8", newline="\n") as f:
                f.write(json.dumps({"__payload__": json.dumps(facts, sort_keys=True)}))


def ansible_inventory(hosts):
    """`ansible-inventory --list` with no fact cache configured: groups and inventory variables only."""
    groups = {}
    hostvars = {}
    for h in live(hosts):
        name = h["name"]
        for service, roles in h["roles"].items():
            sg = service.lower().replace("-", "_")
            groups.setdefault(sg, set()).add(name)
            for role in roles:
                groups.setdefault(role.replace("-", "_"), set()).add(name)
        hostvars[name] = {"ansible_host": h["interfaces"][0]["ipAddress"]}
        if os_kind(h) == "windows":
            hostvars[name].update({"ansible_connection": "winrm", "ansible_port": 5986})
    services = sorted({s.lower().replace("-", "_") for h in live(hosts) for s in h["roles"]})
    inv = {"_meta": {"hostvars": hostvars}, "all": {"children": ["ungrouped", "prod"]}, "prod": {"children": services}}
    for g in sorted(groups):
        inv[g] = {"hosts": sorted(groups[g])}
    return json.dumps(inv, sort_keys=True, indent=4) + "\n"


# ------------------------------------------------------------------------------------------------------------------
# CSV: a CMDB export. Headers chosen to need a --map for two fields (lifecycle, cpu_model_id) and a label (owner_team).
# ------------------------------------------------------------------------------------------------------------------
def cmdb_csv(hosts, cpus):
    import csv
    import io
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\r\n")
    w.writerow(["hostname", "asset_tag", "lifecycle", "service", "role", "cpu_model", "vendor_id", "cpu_family", "cpu_model_id",
                "cpu_stepping", "cloud", "instance_type", "instance_id", "owner_team"])
    for i, h in enumerate(hosts, 1):
        provider, meta = cloud_of(h)
        cloud = {"ec2": "aws", "gce": "gcp", "AzureVM": "azure"}.get(provider, "on-prem")
        itype = (meta or {}).get("instance-type") or (meta or {}).get("virtualMachineSizeType") or ""
        iid = (meta or {}).get("instance-id") or (meta or {}).get("vmID") or ""
        service = sorted(h["roles"], key=lambda s: (s == "Infra", s))[0]
        role = h["roles"][service][0]
        if h["meta"].get("cpu"):
            vendor, brand, fms, _, _ = cpu_of(h, cpus)
            # A CMDB keeps the CPUID signature only where the agent reported one (not for Windows hosts).
            fams = fms if "family" in h["meta"]["cpu"][0] else None
        else:
            vendor, brand, fams = "", "", None
        status = "retired" if h["isRetired"] else h["status"]
        w.writerow([h["name"], f"A{10000 + i}", status, service, role, brand, vendor,
                    fams[0] if fams else "", fams[1] if fams else "", fams[2] if fams else "", cloud, itype, iid, team_of(h)])
    return buf.getvalue()


# ------------------------------------------------------------------------------------------------------------------
# vulntriage probe documents (docs/probe-format.md, src/VulnTriage.Inventory/Probe/ProbeJson.cs layout).
# ------------------------------------------------------------------------------------------------------------------
def meltdown_immune(fms):
    """Intel parts the kernel reports "Not affected" for meltdown: the Atom cores of arch/x86/kernel/cpu/common.c's
    NO_MELTDOWN whitelist (Silvermont 0x37, Goldmont 0x5C/0x5F, Goldmont Plus 0x7A) and parts with RDCL_NO
    (Whiskey Lake 06-8E-0B, Coffee Lake Refresh 06-9E-0C)."""
    return fms[1] in (55, 92, 95, 122) or (fms[1], fms[2]) in ((142, 11), (158, 12))


def probe_doc(h, cpus, facts):
    vendor, brand, fms, logical, sockets = cpu_of(h, cpus)
    dmi = DMI[h["name"]]
    provider, _ = cloud_of(h)
    hypervisor_flag = provider is not None or dmi[0] in ("QEMU", "VMware, Inc.")
    cloud = {"ec2": "aws", "gce": "gcp", "AzureVM": "azure"}.get(provider)
    evidence = []
    hypervisor = None
    if hypervisor_flag:
        evidence.append("/proc/cpuinfo flags: hypervisor")
    if cloud == "aws":
        evidence.append("/sys/class/dmi/id/sys_vendor: Amazon EC2")
        hypervisor = "amazon-ec2"
    elif cloud == "gcp":
        evidence.append("/sys/class/dmi/id/product_name: Google Compute Engine")
        hypervisor = "kvm"
    elif cloud == "azure":
        evidence += ["/sys/class/dmi/id/sys_vendor, /sys/class/dmi/id/product_name: Microsoft Corporation, Virtual Machine",
                     f"/sys/class/dmi/id/chassis_asset_tag: {AZURE_TAG} (Azure)"]
        hypervisor = "hyperv"
    elif dmi[0] == "QEMU":
        evidence.append(f"/sys/class/dmi/id/sys_vendor, /sys/class/dmi/id/product_name, /sys/class/dmi/id/bios_vendor: {dmi[0]}, {dmi[1]}, {dmi[2]}")
        hypervisor = "kvm"
    firmware, mei, notes, missing = [], [], [], []
    if h["name"] in MEI_DEVICE:
        fw = facts[h["name"]][0]
        parts = [int(p) for p in fw["version"].split(".")]
        version = ".".join(str(p) for p in parts)
        pci = MEI_DEVICE[h["name"]]
        reason = f"PCI device {pci} is a TXE interface" if fw["kind"] == "txe" else f"major {parts[0]} with platform byte 0 is ME/CSME"
        firmware.append({"kind": fw["kind"], "version": version, "source": "/sys/class/mei/mei0/fw_ver", "kind_reason": reason})
        mei.append({"device": "mei0", "pci_device": pci, "fw_ver": [f"0:{version}", f"0:{version}", f"0:{parts[0]}.{parts[1]}.0.1000"]})
    elif vendor == "GenuineIntel" and cloud is None:
        missing.append("/sys/class/mei")
        notes.append("no MEI device: a virtual machine has no management engine of its own; check the physical host that runs it"
                     if hypervisor_flag else "no MEI device: SPS servers hide the engine from Linux; read the SPS version from the BMC")
    elif cloud is None:
        missing.append("/sys/class/mei")
    kernel = h["meta"]["kernel"]
    intel = vendor == "GenuineIntel"
    return {
        "schema": "vulntriage-probe/1",
        "hostname": h["name"],
        "kernel": {"release": kernel["release"]},
        "cpu": {"vendor_id": vendor, "model_name": brand, "family": fms[0], "model": fms[1], "stepping": fms[2],
                "microcode": None, "logical_cpus": logical, "sockets": sockets, "hypervisor_flag": hypervisor_flag},
        "platform": {"sys_vendor": dmi[0], "product_name": dmi[1], "bios_vendor": dmi[2], "bios_version": dmi[3],
                     "bios_date": dmi[4], "board_vendor": dmi[5], "board_name": dmi[6],
                     "chassis_asset_tag": AZURE_TAG if cloud == "azure" else None},
        "firmware": firmware,
        "mei": mei,
        "virtualization": {"virtual": hypervisor_flag, "hypervisor": hypervisor, "evidence": evidence},
        "cloud": cloud,
        "vulnerabilities": {"meltdown": "Mitigation: PTI" if intel and not meltdown_immune(fms) else "Not affected",
                            "spectre_v1": "Mitigation: usercopy/swapgs barriers and __user pointer sanitization"},
        "notes": notes,
        "missing": missing,
        "problems": [],
        "truncated": False,
    }


def write_all(samples, records, facts, cpus):
    hosts = [x["host"] for x in records]

    def write(path, text):
        os.makedirs(os.path.dirname(path), exist_ok=True)
        with open(path, "w", encoding="utf-8", newline="") as f:
            f.write(text)

    write(os.path.join(samples, "osquery", "osqueryd.results.log"), osquery_log(hosts, cpus))
    write(os.path.join(samples, "fleet", "hosts.json"), fleet_hosts(hosts, cpus))
    ansible_cache(hosts, cpus, os.path.join(samples, "ansible", "fact_cache"))
    write(os.path.join(samples, "ansible", "inventory.json"), ansible_inventory(hosts))
    write(os.path.join(samples, "csv", "hosts.csv"), cmdb_csv(hosts, cpus))
    probe_dir = os.path.join(samples, "probe")
    os.makedirs(probe_dir, exist_ok=True)
    for old in os.listdir(probe_dir):
        os.remove(os.path.join(probe_dir, old))
    for h in live(hosts):
        if os_kind(h) == "linux":
            write(os.path.join(probe_dir, h["name"] + ".json"), json.dumps(probe_doc(h, cpus, facts), indent=2, ensure_ascii=True) + "\n")
