# code, name, carrier (晋创谷 carrier with area/capacity/occupants), counted in 孵化器和中试基地:
# the kinds issue #17 lists, loaded by migration 0002 and services.ensure_kinds()
SEEDED_KINDS = [
    ("key_lab", "重点实验室", False, False),
    ("tech_innovation_centre", "技术创新中心", False, False),
    ("engineering_centre", "工程技术研究中心", False, False),
    ("new_rd_institution", "新型研发机构", False, False),
    ("pilot_base", "中试基地", True, True),
    ("incubator", "科技企业孵化器", True, True),
    ("maker_space", "众创空间", True, False),
    ("transfer_centre", "科技成果转化中心", True, False),
    ("concept_verification", "概念验证中心", False, False),
    ("industry_alliance", "产业技术创新联盟", False, False),
    ("cnas_lab", "CNAS认可实验室", False, False),
]
