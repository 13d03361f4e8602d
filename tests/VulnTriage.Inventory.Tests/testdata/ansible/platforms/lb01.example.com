{
    "ansible_fqdn": "lb01.example.com",
    "ansible_system": "Linux",
    "gather_subset": [
        "!hardware"
    ],
    "module_setup": true
}