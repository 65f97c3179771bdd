"""Search scenarios over the demo catalogue, shared by the database tests and the
Elasticsearch contract suite: (query, slug of a textbook that must be in the top 5)."""

QUALITY = [
    # sub-words inside titles
    ("数控", "cnc-programming"),
    ("数控", "cnc-process"),
    ("数控", "cnc-lathe-secondary"),
    ("编程", "cnc-programming"),
    ("编程", "industrial-robot-programming"),
    ("电池", "ev-battery"),
    ("动力电池", "ev-battery"),
    ("新能源汽车", "ev-battery"),
    ("机器人", "industrial-robot-programming"),
    ("车床", "cnc-lathe-secondary"),
    ("网络安全", "network-security-lab"),
    ("财税", "smart-tax"),
    ("数控编程", "cnc-programming"),
    # whole titles
    ("数控机床编程与操作（活页式）", "cnc-programming"),
    ("数控加工工艺", "cnc-process"),
    ("新能源汽车动力电池检测与维修", "ev-battery"),
    ("Python程序设计（融媒体版）", "python-programming"),
    ("思想道德与法治", "morality-and-law"),
    ("中国特色社会主义", "socialism-with-chinese-characteristics"),
    ("语文（基础模块）", "chinese-language-basic"),
    ("信息技术（基础模块）", "information-technology"),
    # major names and categories
    ("计算机", "python-programming"),
    ("计算机应用技术", "network-security-lab"),
    ("数控技术", "cnc-process"),
    ("大数据与会计", "smart-tax"),
    ("护理", "basic-nursing"),
    ("装备制造大类", "industrial-robot-programming"),
    # course names
    ("动力电池检测与维修", "ev-battery"),
    ("工业机器人编程", "industrial-robot-programming"),
    ("智能财税", "smart-tax"),
    ("基础护理", "basic-nursing"),
    # ISBNs, with and without hyphens
    ("9787111723455", "cnc-programming"),
    ("978-7-111-72345-5", "cnc-programming"),
    ("978-7-121-45678-7", "python-programming"),
    # English words inside Chinese text, any case
    ("Python", "python-programming"),
    ("python 程序设计", "python-programming"),
    ("BMS", "ev-battery"),
    ("bms 故障诊断", "ev-battery"),
    ("G71", "cnc-programming"),
    ("g71 编程", "cnc-programming"),
    ("SQL 注入", "network-security-lab"),
    # words from the leaves
    ("绝缘检测", "ev-battery"),
    ("无菌技术", "basic-nursing"),
    ("电子发票", "smart-tax"),
    ("防火墙", "network-security-lab"),
]
