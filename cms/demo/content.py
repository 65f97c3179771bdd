"""Demo textbooks and their leaves. Block values are in StreamField's raw JSON form."""


def text(html):
    return {"type": "rich_text", "value": html}


def knowledge(title, html):
    return {"type": "knowledge_point", "value": {"title": title, "body": html}}


def exercise(kind, question, answer=""):
    return {"type": "exercise", "value": {"kind": kind, "question": question, "answer": answer}}


def formula(latex, number="", explanation=""):
    return {
        "type": "formula",
        "value": {"latex": latex, "number": number, "explanation": explanation},
    }


def table(number, caption, rows):
    return {
        "type": "table",
        "value": {
            "number": number,
            "caption": caption,
            "table": {
                "data": rows,
                "first_row_is_table_header": True,
                "first_col_is_header": False,
            },
        },
    }


def media(kind, asset_key, caption):
    # asset_key is resolved to a MediaAsset id by the loader.
    return {
        "type": "media_resource",
        "value": {"kind": kind, "asset": asset_key, "caption": caption, "show_qr_in_print": True},
    }


def work_task(name, goal, steps, tools, safety, checklist, record_rows, rubric):
    return {
        "type": "work_task",
        "value": {
            "task_name": name,
            "goal": goal,
            "steps": [{"title": t, "instruction": i, "key_points": k} for t, i, k in steps],
            "tools_and_materials": tools,
            "safety_notes": safety,
            "checklist": checklist,
            "record_form": {
                "data": record_rows,
                "first_row_is_table_header": True,
                "first_col_is_header": False,
            },
            "rubric": [{"criterion": c, "weight": w, "standard": s} for c, w, s in rubric],
        },
    }


MEDIA_ASSETS = {
    # key: (title, kind, file name in cms/demo/media/, textbook slug): real files that play.
    "battery-video": ("动力电池包绝缘检测演示", "video", "battery-insulation.mp4", "ev-battery"),
    "cnc-video": ("G71 外圆粗车循环仿真", "video", "g71-roughing.mp4", "cnc-programming"),
    # Edition 1.1 of cnc-programming swaps the simulation for one of the type II cycle.
    "cnc-video-2": ("G71 Ⅱ 型循环仿真", "video", "g71-roughing.mp4", "cnc-programming"),
    "cnc-audio": ("G71 编程要点讲解", "audio", "g71-narration.mp3", "cnc-programming"),
    "cnc-model": ("阶梯轴三维模型", "model3d", "stepped-shaft.glb", "cnc-programming"),
    "cnc-simulation": (
        "切削用量计算器",
        "simulation",
        "feed-rate-calculator.zip",
        "cnc-programming",
    ),
    "python-video": ("第一个 Python 程序", "video", "python-hello.mp4", "python-programming"),
    "nursing-video": ("无菌技术操作示范", "video", "aseptic-technique.mp4", "basic-nursing"),
}

CNC_UNITS = [
    (
        "unit-1-safety",
        "项目 1",
        "数控车床安全操作与日常保养",
        "能说出数控车床安全操作规程；能按点检表完成日常保养。",
        [
            text(
                "<p>数控车床是高速、高精度的加工设备。操作前必须熟悉机床结构、急停按钮位置和安全防护装置。</p>"
            ),
            knowledge(
                "安全操作规程",
                "<ul><li>穿戴工作服、护目镜，严禁戴手套操作旋转部件。</li><li>开机后先回参考点，再进行其他操作。</li></ul>",
            ),
            work_task(
                "数控车床开机前点检",
                "按企业点检标准，在 15 分钟内完成开机前点检并如实记录。",
                [
                    (
                        "检查润滑",
                        "查看导轨润滑油位是否在上下刻度之间，不足时按牌号补加。",
                        "油位在刻度线之间",
                    ),
                    (
                        "检查气压与冷却液",
                        "确认气源压力 0.5–0.7 MPa，冷却液液位正常。",
                        "压力表读数记录到记录表",
                    ),
                    ("回参考点", "按先 X 后 Z 的顺序回参考点，观察有无异响。", "先 X 轴后 Z 轴"),
                ],
                ["点检表", "润滑油（L-HG68）", "抹布"],
                ["点检时机床处于急停状态", "严禁在主轴旋转时伸手进入防护门内"],
                ["润滑油位正常", "气压正常", "冷却液正常", "已回参考点", "点检表已签字"],
                [
                    ["项目", "标准", "实测", "结论"],
                    ["导轨油位", "刻度之间", "", ""],
                    ["气源压力", "0.5–0.7 MPa", "", ""],
                ],
                [
                    ("点检完整性", 40, "五项全部完成"),
                    ("操作规范", 40, "顺序正确、无违规"),
                    ("记录规范", 20, "字迹清楚、签字齐全"),
                ],
            ),
        ],
    ),
    (
        "unit-2-g71",
        "项目 2",
        "外圆粗车循环 G71 编程",
        "能运用 G71 指令编写阶梯轴粗加工程序并完成仿真验证。",
        [
            text("<p>G71 外圆粗车复合循环只需给出精加工轮廓，系统自动计算粗加工走刀路线。</p>"),
            formula(
                r"G71\ U(\Delta d)\ R(e);\ G71\ P(ns)\ Q(nf)\ U(\Delta u)\ W(\Delta w)\ F(f)",
                "式 2-1",
                "Δd 为背吃刀量，e 为退刀量",
            ),
            media("video", "cnc-video", "扫码观看 G71 循环的刀具路径仿真"),
            work_task(
                "阶梯轴粗加工编程",
                "根据零件图编写 G71 粗加工程序，仿真无过切。",
                [
                    (
                        "分析零件图",
                        "确定毛坯尺寸、加工余量与编程原点。",
                        "编程原点在工件右端面中心",
                    ),
                    ("编写程序", "写出 G71 循环与精加工轮廓程序段。", "ns、nf 程序段号对应"),
                    ("仿真验证", "在仿真软件中运行程序，检查刀路。", "无过切、无撞刀"),
                ],
                ["仿真软件", "零件图"],
                ["上机前在仿真软件中验证程序"],
                ["编程原点正确", "循环参数合理", "仿真无报警"],
                [["程序号", "仿真结果", "问题与修改"], ["O0001", "", ""]],
                [("程序正确性", 60, "仿真无过切"), ("参数合理性", 40, "余量与切深合理")],
            ),
            # After the task, so the blocks before it keep their places (tests read them by index).
            media("audio", "cnc-audio", "扫码收听 G71 编程要点讲解"),
            media("model3d", "cnc-model", "扫码查看阶梯轴三维模型，可旋转缩放"),
            media("simulation", "cnc-simulation", "扫码打开切削用量计算器，验证主轴转速与进给速度"),
            exercise(
                "short",
                "<p>G71 指令中 U(Δu) 与第一行的 U(Δd) 含义有何不同？</p>",
                "<p>前者为 X 向精加工余量（直径值），后者为每次背吃刀量。</p>",
            ),
        ],
    ),
    (
        "unit-3-threads",
        "项目 3",
        "螺纹车削与检测",
        "能编写 G92 螺纹切削程序，会用螺纹环规检测。",
        [
            text("<p>螺纹加工要保证主轴转速与进给同步，切削中途不得调整进给倍率。</p>"),
            table(
                "表 3-1",
                "普通螺纹切削深度参考值",
                [["螺距/mm", "牙深/mm", "走刀次数"], ["1.5", "0.974", "4"], ["2.0", "1.299", "5"]],
            ),
        ],
    ),
]


def simple_units(topic, tasks):
    """Two or three leaves for textbooks whose demo content can be lighter."""
    units = []
    for index, (title, body_text, task) in enumerate(tasks, start=1):
        body = [
            text(f"<p>{body_text}</p>"),
            knowledge(f"{topic}要点", f"<p>{title}的核心概念与工作规范。</p>"),
        ]
        if task:
            body.append(task)
        units.append((f"unit-{index}", f"单元 {index}", title, f"掌握{title}。", body))
    return units


def generic_task(name, steps):
    return work_task(
        name,
        f"按工作规范独立完成“{name}”。",
        [(s, f"按作业指导书完成{s}。", "") for s in steps],
        ["作业指导书"],
        ["遵守实训室安全规定"],
        [f"{s}已完成" for s in steps],
        [["步骤", "完成情况", "签字"]] + [[s, "", ""] for s in steps],
        [("任务完成度", 60, "步骤完整"), ("职业素养", 40, "规范、安全、整洁")],
    )


TEXTBOOKS = [
    {
        "slug": "cnc-programming",
        "title": "数控机床编程与操作（活页式）",
        "isbn12": "978711172345",
        "forms": ["loose_leaf", "workbook", "mixed_media"],
        "tier": "national",
        "ideology_sensitive": False,
        "courses": ["数控机床编程与操作"],
        "majors": ["460103", "660103"],
        "chief": "author",
        "authors": ["engineer"],
        "co_developers": ["江苏机电职业技术学院", "华数数控机床有限公司"],
        "publisher": "机械工业出版社",
        "overview": "<p>本书以企业真实零件为载体，按“点检—编程—加工—检测”工作过程组织活页，配套仿真视频。</p>",
        "units": CNC_UNITS,
    },
    {
        "slug": "cnc-process",
        "title": "数控加工工艺",
        "isbn12": "978711172346",
        "forms": ["workbook"],
        "tier": "provincial",
        "courses": ["数控加工工艺"],
        "majors": ["460103"],
        "chief": "author",
        "authors": [],
        "co_developers": ["江苏机电职业技术学院", "华数数控机床有限公司"],
        "publisher": "机械工业出版社",
        "units": simple_units(
            "工艺",
            [
                (
                    "零件结构工艺性分析",
                    "工艺分析是编制加工工艺的第一步。",
                    generic_task("轴类零件工艺分析", ["读图", "确定基准", "划分工序"]),
                ),
                ("切削用量选择", "切削用量包括切削速度、进给量和背吃刀量。", None),
            ],
        ),
    },
    {
        "slug": "ev-battery",
        "title": "新能源汽车动力电池检测与维修",
        "isbn12": "978711172347",
        "forms": ["workbook", "mixed_media"],
        "tier": "national",
        "courses": ["动力电池检测与维修"],
        "majors": ["460702"],
        "chief": "author",
        "authors": ["engineer"],
        "co_developers": ["南京交通技师学院", "比亚迪汽车工业有限公司"],
        "publisher": "机械工业出版社",
        "units": [
            (
                "unit-1",
                "任务 1",
                "动力电池包绝缘检测",
                "能使用绝缘电阻测试仪完成电池包绝缘检测。",
                [
                    text("<p>高压系统作业前必须断电并验电，绝缘电阻应不低于 500 Ω/V。</p>"),
                    media("video", "battery-video", "扫码观看绝缘检测操作演示"),
                    work_task(
                        "电池包绝缘电阻检测",
                        "按维修手册完成绝缘检测并判定是否合格。",
                        [
                            ("断电验电", "拔下维修开关，等待 5 分钟后验电。", "电压低于 36 V"),
                            (
                                "测量绝缘电阻",
                                "用 1000 V 档分别测量正、负极对壳体的绝缘电阻。",
                                "读数稳定后记录",
                            ),
                            ("判定结果", "对照标准判定合格与否。", "≥ 500 Ω/V"),
                        ],
                        ["绝缘电阻测试仪", "绝缘手套", "护目镜"],
                        ["必须佩戴绝缘手套", "单人不得进行高压作业"],
                        ["已断电验电", "已记录正极绝缘", "已记录负极绝缘", "已判定"],
                        [
                            ["测量点", "读数/MΩ", "结论"],
                            ["正极-壳体", "", ""],
                            ["负极-壳体", "", ""],
                        ],
                        [
                            ("安全防护", 40, "防护用品齐全"),
                            ("测量准确", 40, "读数正确"),
                            ("判定正确", 20, "结论正确"),
                        ],
                    ),
                ],
            ),
            (
                "unit-2",
                "任务 2",
                "电池管理系统故障诊断",
                "能读取 BMS 故障码并分析原因。",
                [
                    text("<p>电池管理系统（BMS）监测单体电压、温度和绝缘状态。</p>"),
                ],
            ),
        ],
    },
    {
        "slug": "python-programming",
        "title": "Python程序设计（融媒体版）",
        "isbn12": "978712145678",
        "forms": ["mixed_media"],
        "tier": "national",
        "courses": ["Python程序设计"],
        "majors": ["510201"],
        "chief": "author2",
        "authors": [],
        "co_developers": ["深圳信息职业技术学院"],
        "publisher": "电子工业出版社",
        "units": [
            (
                "unit-1",
                "单元 1",
                "Python 开发环境搭建",
                "能安装 Python 并运行第一个程序。",
                [
                    text("<p>Python 是一种解释型、面向对象的高级程序设计语言。</p>"),
                    media("video", "python-video", "扫码观看环境搭建与第一个程序"),
                    exercise("practice", "<p>编写程序，输出“你好，职业教育”。</p>"),
                ],
            ),
            (
                "unit-2",
                "单元 2",
                "数据类型与表达式",
                "掌握数字、字符串和列表。",
                [
                    text("<p>Python 内置 int、float、str、list、dict 等数据类型。</p>"),
                ],
            ),
        ],
    },
    {
        "slug": "network-security-lab",
        "title": "网络安全技术实训",
        "isbn12": "",
        "forms": ["loose_leaf"],
        "tier": "school",
        "courses": ["网络安全技术"],
        "majors": ["510201"],
        "chief": "author2",
        "authors": [],
        "co_developers": ["深圳信息职业技术学院"],
        "publisher": None,
        "units": simple_units(
            "网络安全",
            [
                (
                    "防火墙策略配置",
                    "防火墙按安全域划分并配置访问控制策略。",
                    generic_task("配置防火墙安全策略", ["划分安全域", "配置策略", "验证连通性"]),
                ),
                ("Web 漏洞检测", "常见 Web 漏洞包括 SQL 注入与跨站脚本。", None),
            ],
        ),
    },
    {
        "slug": "smart-tax",
        "title": "智能财税实务",
        "isbn12": "978704056789",
        "forms": ["loose_leaf", "mixed_media"],
        "tier": "provincial",
        "courses": ["智能财税"],
        "majors": ["530302"],
        "chief": "author2",
        "authors": [],
        "co_developers": ["深圳信息职业技术学院", "金蝶软件（中国）有限公司"],
        "publisher": "高等教育出版社",
        "units": simple_units(
            "财税",
            [
                (
                    "电子发票开具与查验",
                    "全面数字化电子发票无需领用，开具后自动交付。",
                    generic_task("开具数电发票", ["登录电子税务局", "填写开票信息", "交付发票"]),
                ),
                ("增值税纳税申报", "小规模纳税人按季度申报增值税。", None),
            ],
        ),
    },
    {
        "slug": "basic-nursing",
        "title": "基础护理技术",
        "isbn12": "978711723456",
        "forms": ["workbook", "mixed_media"],
        "tier": "national",
        "courses": ["基础护理"],
        "majors": ["520201"],
        "chief": "author",
        "authors": [],
        "co_developers": [],
        "publisher": "人民卫生出版社",
        "units": [
            (
                "unit-1",
                "项目 1",
                "无菌技术",
                "能规范完成无菌持物钳使用与无菌包打开。",
                [
                    text("<p>无菌技术是预防医院感染的基本操作。</p>"),
                    media("video", "nursing-video", "扫码观看无菌技术操作示范"),
                    generic_task("打开无菌包", ["核对", "开包", "取物", "记录"]),
                ],
            ),
            (
                "unit-2",
                "项目 2",
                "生命体征测量",
                "能准确测量体温、脉搏、呼吸和血压。",
                [
                    text("<p>生命体征是评估病情的重要依据。</p>"),
                ],
            ),
        ],
    },
    {
        "slug": "morality-and-law",
        "title": "思想道德与法治",
        "isbn12": "978704058888",
        "forms": ["mixed_media"],
        "tier": "national",
        "ideology_sensitive": True,
        "courses": ["思想道德与法治"],
        "majors": [],
        "chief": "author",
        "authors": [],
        "co_developers": [],
        "publisher": "高等教育出版社",
        "units": simple_units(
            "思想道德",
            [
                ("担当复兴大任 成就时代新人", "新时代大学生要坚定理想信念，练就过硬本领。", None),
                ("学习法治思想 提升法治素养", "法治素养是新时代公民的基本素质。", None),
            ],
        ),
    },
    {
        "slug": "socialism-with-chinese-characteristics",
        "title": "中国特色社会主义",
        "isbn12": "978710731234",
        "forms": ["loose_leaf", "mixed_media"],
        "tier": "national",
        "ideology_sensitive": True,
        "courses": ["中国特色社会主义"],
        "majors": [],
        "chief": "author",
        "authors": [],
        "co_developers": [],
        "publisher": "人民教育出版社",
        "units": simple_units(
            "中国特色社会主义",
            [
                (
                    "中国特色社会主义的创立与发展",
                    "中国特色社会主义是党和人民长期实践取得的根本成就。",
                    None,
                ),
                ("中国特色社会主义进入新时代", "新时代是承前启后、继往开来的时代。", None),
            ],
        ),
    },
    {
        "slug": "chinese-language-basic",
        "title": "语文（基础模块）",
        "isbn12": "978710731235",
        "forms": ["mixed_media"],
        "tier": "national",
        "ideology_sensitive": True,
        "courses": ["语文"],
        "majors": [],
        "chief": "author",
        "authors": [],
        "co_developers": [],
        "publisher": "人民教育出版社",
        "units": simple_units(
            "语文",
            [
                ("劳动光荣", "通过阅读劳动模范的故事，体会劳动精神。", None),
                ("应用文写作：求职信", "求职信要突出与岗位相关的能力与经历。", None),
            ],
        ),
    },
    {
        "slug": "information-technology",
        "title": "信息技术（基础模块）",
        "isbn12": "978712145679",
        "forms": ["mixed_media", "workbook"],
        "tier": "national",
        "courses": ["信息技术"],
        "majors": [],
        "chief": "author2",
        "authors": [],
        "co_developers": [],
        "publisher": "电子工业出版社",
        "units": simple_units(
            "信息技术",
            [
                (
                    "文档处理",
                    "掌握文字处理软件的排版功能。",
                    generic_task("制作企业通知", ["输入文字", "设置格式", "打印预览"]),
                ),
                ("数据处理", "掌握电子表格的公式与图表。", None),
            ],
        ),
    },
    {
        "slug": "industrial-robot-programming",
        "title": "工业机器人编程与调试",
        "isbn12": "978711172348",
        "forms": ["workbook"],
        "tier": "provincial",
        "courses": ["工业机器人编程"],
        "majors": ["260102"],
        "chief": "author",
        "authors": ["engineer"],
        "co_developers": ["江苏机电职业技术学院", "埃斯顿自动化股份有限公司"],
        "publisher": "机械工业出版社",
        "units": simple_units(
            "工业机器人",
            [
                (
                    "机器人坐标系标定",
                    "工具坐标系与工件坐标系标定是编程的前提。",
                    generic_task("工具坐标系四点法标定", ["安装工具", "示教四点", "计算并验证"]),
                ),
                (
                    "搬运工作站编程",
                    "搬运程序由抓取、移动、放置组成。",
                    generic_task("编写搬运程序", ["示教点位", "编写程序", "单步调试", "自动运行"]),
                ),
            ],
        ),
    },
    {
        "slug": "cnc-lathe-secondary",
        "title": "数控车床加工技术（校本）",
        "isbn12": "",
        "forms": ["workbook"],
        "tier": "school",
        "courses": ["数控机床编程与操作"],
        "majors": ["660103"],
        "chief": "author",
        "authors": [],
        "co_developers": ["江苏机电职业技术学院"],
        "publisher": None,
        "units": simple_units(
            "数控车削",
            [
                (
                    "台阶轴车削",
                    "台阶轴是最典型的轴类零件。",
                    generic_task("车削台阶轴", ["装夹工件", "对刀", "车削", "检测"]),
                ),
                ("槽的车削", "切槽刀刀宽决定最小槽宽。", None),
            ],
        ),
    },
]
