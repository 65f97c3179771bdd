"""Demo catalogue data: real 2021 major codes, realistic Chinese textbooks and leaves."""

PASSWORD = "demo-pass-2026"

ACCOUNTS = [
    # username, full name (family, given), role group or None for superuser, institution
    ("admin", ("系统", "管理员"), None, None),
    ("national", ("王", "建国"), "国家级教材管理员", "教育部职业教育与成人教育司"),
    ("province", ("李", "敏"), "省级教材管理员", "江苏省教育厅"),
    ("author", ("张", "伟"), "编写人员", "江苏机电职业技术学院"),
    ("engineer", ("刘", "强"), "编写人员", "华数数控机床有限公司"),
    ("author2", ("陈", "静"), "编写人员", "深圳信息职业技术学院"),
    ("reviewer", ("赵", "磊"), "审核专家", "浙江机电职业技术学院"),
    ("reviewer2", ("吴", "芳"), "审核专家", "山东劳动职业技术学院"),
    ("enterprise_expert", ("郑", "凯"), "审核专家", "比亚迪汽车工业有限公司"),
    # More experts so that every demo textbook can be reviewed without breaking recusal.
    ("reviewer3", ("钱", "进"), "审核专家", "北京师范大学"),
    ("enterprise_expert2", ("冯", "涛"), "审核专家", "埃斯顿自动化股份有限公司"),
    ("political", ("孙", "丽"), "政治把关专家", "北京师范大学"),
    ("committee", ("周", "涛"), "学校选用委员会", "江苏机电职业技术学院"),
]

INSTITUTIONS = [
    ("江苏机电职业技术学院", "school", "JS"),
    ("深圳信息职业技术学院", "school", "GD"),
    ("浙江机电职业技术学院", "school", "ZJ"),
    ("山东劳动职业技术学院", "school", "SD"),
    ("北京师范大学", "school", "BJ"),
    ("南京交通技师学院", "school", "JS"),
    ("华数数控机床有限公司", "enterprise", "JS"),
    ("比亚迪汽车工业有限公司", "enterprise", "GD"),
    ("金蝶软件（中国）有限公司", "enterprise", "GD"),
    ("埃斯顿自动化股份有限公司", "enterprise", "JS"),
    ("机械工业出版社", "publisher", "BJ"),
    ("高等教育出版社", "publisher", "BJ"),
    ("电子工业出版社", "publisher", "BJ"),
    ("人民教育出版社", "publisher", "BJ"),
    ("人民卫生出版社", "publisher", "BJ"),
    ("江苏省教育厅", "authority", "JS"),
    ("教育部职业教育与成人教育司", "authority", "BJ"),
]

# code, name, category, level — from the 2021 catalogue of vocational-education majors.
MAJORS = [
    ("460103", "数控技术", "装备制造大类", "higher_associate"),
    ("460702", "新能源汽车技术", "装备制造大类", "higher_associate"),
    ("510201", "计算机应用技术", "电子与信息大类", "higher_associate"),
    ("530302", "大数据与会计", "财经商贸大类", "higher_associate"),
    ("520201", "护理", "医药卫生大类", "higher_associate"),
    ("660103", "数控技术应用", "装备制造大类", "secondary"),
    ("260102", "智能制造工程技术", "装备制造大类", "bachelor"),
]

# name, type, compulsory, unified, major codes
COURSES = [
    ("数控机床编程与操作", "professional", True, False, ["460103", "660103"]),
    ("数控加工工艺", "professional", True, False, ["460103"]),
    ("动力电池检测与维修", "professional", True, False, ["460702"]),
    ("Python程序设计", "professional", True, False, ["510201"]),
    ("网络安全技术", "professional", False, False, ["510201"]),
    ("智能财税", "professional", True, False, ["530302"]),
    ("基础护理", "professional", True, False, ["520201"]),
    ("工业机器人编程", "professional", True, False, ["260102"]),
    ("思想道德与法治", "ideology_politics", True, False, []),
    ("中国特色社会主义", "ideology_politics", True, True, []),
    ("语文", "public_basic", True, True, []),
    ("信息技术", "public_basic", True, False, []),
]
