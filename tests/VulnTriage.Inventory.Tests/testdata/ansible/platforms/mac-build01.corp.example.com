{
    "ansible_fqdn": "mac-build01.corp.example.com",
    "ansible_model": "Macmini8,1",
    "ansible_nodename": "mac-build01.corp.example.com",
    "ansible_os_family": "Darwin",
    "ansible_processor": "Intel(R) Core(TM) i7-8700B CPU @ 3.20GHz",
    "ansible_processor_cores": 6,
    "ansible_processor_vcpus": 12,
    "ansible_product_name": "Macmini8,1",
    "ansible_system": "Darwin"
}