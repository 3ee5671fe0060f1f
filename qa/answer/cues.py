"""Every language cue of the answering stage, in one place.

Question words, answer-type cues, units, qualifiers, years and plan periods, preamble and
part-separator cues. The other modules import these; none keeps its own table. Cues are about how
people ask (in Chinese, and the English words mixed into Chinese questions), never about a particular
question of an evaluation set.
"""

from __future__ import annotations

import re

# --------------------------------------------------------------------------- years and periods
YEAR = re.compile(r"(?<!\d)(20\d\d)\s*年")
#: what stands before a baseline year ("比2020年下降"), as opposed to a target year ("到2025年")
BASELINE_YEAR = re.compile(r"(?:比|较|与|同|自|从|相比|基于)\s*$")
#: five-year-plan periods: 十四五, 十五五 (also written 14五 after normalisation)
PERIOD = re.compile(r"十[一二三四五六七八九]五")

#: "25年" for 2025年 in casual writing (two-digit years of this century)
SHORT_YEAR = re.compile(r"(?<![\d.])([12]\d|3[0-5])(?=年)")
#: The standard one-character abbreviations of China's province-level regions (川 = 四川, 渝 = 重庆…):
#: general knowledge, used only for regions the index holds, and only where the character stands alone
#: (start of the question or after a space or a conjunction, and before 省/市/方案…), never inside a word such as 成渝.
PROVINCE_ABBREVIATIONS = {
    "京": "北京", "津": "天津", "沪": "上海", "渝": "重庆", "冀": "河北", "晋": "山西", "辽": "辽宁", "吉": "吉林",
    "黑": "黑龙江", "苏": "江苏", "浙": "浙江", "皖": "安徽", "闽": "福建", "赣": "江西", "鲁": "山东", "豫": "河南",
    "鄂": "湖北", "湘": "湖南", "粤": "广东", "琼": "海南", "川": "四川", "蜀": "四川", "黔": "贵州", "贵": "贵州",
    "滇": "云南", "云": "云南", "陕": "陕西", "秦": "陕西", "甘": "甘肃", "陇": "甘肃", "青": "青海", "蒙": "内蒙古",
    "桂": "广西", "藏": "西藏", "宁": "宁夏", "新": "新疆",
}
ABBREVIATION_CONTEXT = (r"(?:(?<=^)|(?<=[\s，,：:、和与跟及比{openers}]))({chars})(?=[\s，,的省市和与跟、]|方案|{titles}减污|节能|十四五|到?20\d\d|到?\d\d年|"
                        r"给了|给没给|定了|写了|提了|这边|那边)")
#: the kind of plan written right after an abbreviation ("渝实施方案", "川行动方案"): the abbreviation is a region too
ABBREVIATION_TITLES = r"(?:实施|行动|综合工作|工作)方案|"
#: what opens a follow-up before the abbreviation it is asked of ("那渝方案里呢"): a boundary too
FOLLOW_OPENERS = "那"
#: Two or three abbreviations written together for the regions they join ("川渝两地", "京津冀的"): each
#: stands for its region; the run must stand alone as a word (same boundaries as a single one); "川 渝" and
#: "川、渝" are runs too.
ABBREVIATION_RUN = (r"(?:(?<=^)|(?<=[\s，,：:和与及]))([{chars}](?:[ 、/和与]?[{chars}]){{1,2}})"
                    r"(?=两地|三地|两省|两省市|两个|两份|地区|节能|减污|十四五|[\s，,的省市各]|方案|分别|20\d\d|\d\d年)")

#: English names of five-year-plan periods ("14th Five-Year Plan", "the 14th FYP") → 十四五
ENGLISH_PERIOD = re.compile(r"(?i)\b(?:the\s+)?(1[0-9])(?:th)?\s*(?:five[-\s]year\s+plan|FYP)(?:\s+period)?\b")
#: a term the question quotes ("“碳惠通”平台"): it must be found as written
QUOTED_TERM = re.compile(r"[“\"「『]([^”\"」』]{2,20})[”\"」』]")
#: the rest of the noun phrase a quoted word begins ("有没有建立“夜市”管理台账？": 管理台账), up to the end of
#: the question; not what only names the word ("“X”这个说法", "“X”字样", "“X”的提法") nor what asks about it
QUOTED_CONTINUATION = re.compile(r"(?![的这那该一等字])([\u4e00-\u9fff]{2,8})(?=[？?。，,\s]|吗|没有?[？?]*$|$)")
QUOTED_NAMING = re.compile(r"说法|提法|字样|字眼|表述|概念|一词|词语|用语|这个词|问题|事情|情况|内容|方面|规定|要求|相关")
#: a run of Chinese a half-English question writes (a term with its middle dot: "甲乙·丙丁")
CJK_RUN = re.compile(r"[\u4e00-\u9fff][\u4e00-\u9fff·]{2,}[\u4e00-\u9fff]")
#: what follows a quoted word that begins a plan's name ("“十四五”节能减排综合工作方案"), not 的 ("“X”的方案")
TITLE_AFTER_QUOTE = re.compile(r"(?!的)[\u4e00-\u9fff]{0,16}?(?:方案|规划|文件)")
#: a quoted term that is a name of its own ("“美丽四川”建设"): a region inside it is not a region the question
#: is about; a quoted plan name ("“四川省…方案”") is
QUOTED_NAME = re.compile(r"[“\"「『](?![^”\"」』]*(?:方案|规划|通知|意见|办法|文件))([^”\"」』]{2,20})[”\"」』]")
#: an acronym in a Chinese question ("PM2.5", "LNG", "VOCs"): one word, matched as a whole, never as bigrams
ACRONYM = re.compile(r"(?<![A-Za-z])[A-Z][A-Za-z]*[A-Z](?:\d+(?:\.\d+)?)?s?(?![A-Za-z\d])")
#: what the plans write for the acronyms people use (general usage, not any document's): a question's
#: acronym counts as written in a document when the document has it or this spelling of it
ACRONYM_TERMS = {"GDP": "生产总值", "PM2.5": "细颗粒物", "PM10": "可吸入颗粒物", "VOC": "挥发性有机物",
                 "VOCS": "挥发性有机物", "LNG": "液化天然气", "CNG": "压缩天然气", "CCUS": "碳捕集",
                 "CCER": "核证自愿减排量", "LDAR": "泄漏检测与修复", "PUE": "电能利用效率", "EV": "电动汽车",
                 "NEV": "新能源汽车", "PV": "光伏", "ETS": "碳排放权交易", "LED": "LED"}
#: an English word (a question with two or more is translated before it is analysed)
LATIN_WORD = re.compile(r"[A-Za-z]{3,}")
#: a year in an English question that a figure is measured against, not asked for ("compared with 2020")
ENGLISH_BASE_YEAR = re.compile(r"(?i)\b(?:compared (?:to|with)|than|relative to|from|since|over|versus|vs\.?)\s+"
                               r"(?:the\s+)?(?:(?:level|end) of\s+)?20\d\d")
#: where an English question's sentences end ("…reaches 80% by 2025 — and by 2035?"), and its question words
ENGLISH_SENTENCE = re.compile(r"[?？.;；:：!—]+|\s-\s")
ENGLISH_QUESTION_WORD = re.compile(r"(?i)\b(?:what|which|how|when|whether|does|do|is|are)\b|what's")
#: a year an English question names (not the year of a document number, "〔2022〕")
ENGLISH_YEAR = re.compile(r"(?<![\d〔\[(（])20\d\d(?![\d〕\])）])")
#: an ordinary English word in lower case ("资阳 fisheries 这块…"): one is enough to translate the question
#: (acronyms such as CCER, LED, PUE are written in capitals and stay as they are)
ENGLISH_WORD = re.compile(r"(?<![A-Za-z])[a-z]{4,}(?![A-Za-z])")
#: a run of Chinese in an English question ("Does Ya'an's 夜市照明方案 mention…"): the user's own words, which
#: the translation keeps as written (a run of at least five characters, where the model's rendering differs from it
#: by one character: "夜市照名方案" for "夜市照明方案")
CHINESE_RUN = re.compile(r"(?<![\d\u4e00-\u9fff])[\u4e00-\u9fff]{5,}(?![\d\u4e00-\u9fff])")
CHINESE_ONLY = re.compile(r"[\u4e00-\u9fff]+")
#: a Chinese gloss the user gives an English phrase ("night-market lamps (夜市路灯)"): the term asked about
CHINESE_GLOSS = re.compile(r"(?<=[A-Za-z]) ?[(（]([\u4e00-\u9fff]{2,})[)）]")
#: an English sentence that ends with a full stop before more text ("The city's plan sets 60% for X. What is …"): a
#: statement the user makes before asking (not "No. 5", a decimal or an abbreviation without a space after it)
ENGLISH_STATEMENT = re.compile(r"[A-Za-z0-9%)）\u4e00-\u9fff]\.(?<!\bNo\.)(?<!\bno\.)\s+(?=\S)")
#: the documents' own terms for the English words users write for them. Written into an English question
#: before the model translates it, so that the translation uses the plans' vocabulary (the small model
#: renders "pollution and carbon reduction plan" as "污染和碳减排计划", which names no document, and
#: "basin" as "湖泊"). Longest phrases first; each is a term of the plans' subject matter, not of a question.
ENGLISH_TERMS: tuple[tuple[str, str], ...] = (
    (r"(?:the )?14th (?:five[- ]year(?: plan)?|FYP)(?: period)?", "十四五"),
    (r"(?:synergistic |coordinated )?(?:reduction of pollution and carbon(?: emissions)?|reducing pollution and carbon(?: emissions)?|"
     r"pollution[- ](?:and[- ])?carbon(?:[- ]emissions?)?[- ]reduction(?: synergy)?|carbon and pollution reduction)", "减污降碳"),
    (r"energy[- ](?:saving|conservation)(?: and (?:emissions?|pollution) reduction)?|"
     r"(?:saving energy|conserving energy) and reducing emissions", "节能减排"),
    (r"(?:implementation |action |work )?(?:plan|programme|program)", "方案"),
    (r"carbon capture,? utili[sz]ation,? and storage|CCUS", "碳捕集、利用与封存"), (r"carbon capture", "碳捕集"),
    (r"carbon (?:emissions? )?peak(?:ing)?", "碳达峰"), (r"carbon neutrality", "碳中和"),
    (r"non[- ]fossil (?:energy|fuels?)", "非化石能源"), (r"new[- ]energy vehicles?|NEVs?", "新能源汽车"),
    (r"charging (?:and battery[- ]swapping )?(?:infrastructure|facilities|piles|posts|stations)", "充电基础设施"),
    (r"battery[- ]swapping stations?", "换电站"), (r"shore power", "岸电"),
    (r"prefabricated buildings?", "装配式建筑"), (r"green buildings?", "绿色建筑"),
    (r"green building materials?", "绿色建材"), (r"forest coverage(?: rate)?", "森林覆盖率"),
    (r"forest stock(?: volume)?", "森林蓄积量"), (r"rocky desertification", "石漠化"),
    (r"(?:crop )?straws?", "秸秆"), (r"livestock and poultry (?:manure|waste)", "畜禽粪污"),
    (r"(?:river )?basins?", "流域"), (r"prefectures?|prefecture[- ]level cit(?:y|ies)", "市（州）"),
    (r"counties", "区县"), (r"wastewater|sewage", "污水"), (r"sludge", "污泥"),
    (r"(?:bulk )?industrial solid waste", "工业固体废物"), (r"solid waste", "固体废物"),
    (r"(?:zero|no)[- ]waste cit(?:y|ies)|waste[- ]free cit(?:y|ies)", "无废城市"),
    (r"industrial parks?", "园区"), (r"greenhouse gas(?:es)?|GHGs?", "温室气体"),
    (r"fluorinated gas(?:es)?|fluorine[- ]containing gas(?:es)?", "含氟气体"), (r"methane", "甲烷"),
    (r"volatile organic compounds", "挥发性有机物"), (r"nitrogen oxides", "氮氧化物"),
    (r"chemical oxygen demand", "化学需氧量"), (r"ammonia nitrogen", "氨氮"),
    (r"energy consumption per unit of GDP|energy intensity", "单位地区生产总值能源消耗"),
    (r"clean(?:er)? production audits?", "清洁生产审核"), (r"pilots?|trials?", "试点"),
    (r"peatlands?|wetlands?", "湿地"), (r"carbon sinks?", "碳汇"), (r"carbon footprints?", "碳足迹"),
    (r"supply chains?", "供应链"), (r"green finance", "绿色金融"),
    (r"climate (?:investment and financing|finance)", "气候投融资"), (r"heavy[- ]duty (?:diesel )?trucks?", "重型柴油货车"),
    (r"public institutions?", "公共机构"), (r"departments? responsible|responsible departments?", "责任部门"),
)
#: "which kind of X" asks for a kind (哪类), which a plan names ("某某等行业的企业"), not for the names of particular Xs:
#: written in before translation, the question keeps the word the small model drops ("which kind of firms" →
#: "哪些企业", read as asking for companies' names)
KIND_TERMS: tuple[tuple[str, str], ...] = ((r"(?:which|what) (?:kinds?|types?|sorts?|categor(?:y|ies)) of", "哪类"),)


# --------------------------------------------------------------------------- answer types
#: "how much / how many" — but not "哪几个…" (a list) nor "文号是多少" (a document number)
ASKS_QUANTITY = re.compile(r"(?<!号是)(?<!号)多少|(?<![哪这那])几[个项家座台辆万亿%档类级种批次条处所份名倍]|百分之几|百分之多少|具体数字|数值|"
                           r"(?:定|给|有)(?:了|个|没)?(?:具体)?(?:[\u4e00-\u9fff]{0,3}?)(?:数|数儿)(?=[吗么呢没？?\s]|$)|"
                           r"(?i:\bhow (?:much|many)\b|\bwhat percentage\b|\bwhat share\b)")
#: "要达到什么亮灯率" / "什么比例": a rate or share asked with 什么 is a figure asked
RATE_ASKED = re.compile(r"什么[\u4e00-\u9fff]{0,4}?(?:率|比例|比重|占比)(?=[吗呢？?\s，,]|$)")
#: "谁" that asks who is served ("优先保障谁", "支持谁"), not who is responsible: the verb of serving right before it
_NOT_SERVED = "(?<!保障)(?<!支持)(?<!鼓励)(?<!扶持)(?<!照顾)(?<!惠及)(?<!优先)(?<!补贴)(?<!奖励)(?<!面向)(?<!针对)"
#: who is responsible / who issued it
RESPONSIBILITY = re.compile(r"(?<!各)(?<!有关)部门|负责|牵头|" + _NOT_SERVED + r"谁(?!(?:定得|设得|的)?更?(?:高|低|多|少|大|小|快|慢|强|弱|严))|(?:哪些|哪个|哪几个|什么|责任|参与|牵头|配合)单位|配合|职责|主管|印发(?!通知)|发布(?!日期|时间)|"
                            r"联合发文|联合印发|签发|发文机关|印发机关|(?i:\bwhich (?:department|agenc|bod)|\bwho\b)")
#: the body a question asks for in its last sentence when it names no responsibility word there
#: ("A比B多了哪家"); the sentences before it may only state one ("X是某局牵头的吧？该找哪个处？")
WHO_IN_ASK = re.compile(_NOT_SERVED + r"谁|哪家|哪几家")
#: "是自己组织，还是配合上级开展": a choice between two ways of acting; it asks who only where the
#: alternatives are bodies ("是市政府单独发的还是几个局联合发的")
CHOICE = re.compile(r"还是")
BODY_WORD = re.compile(r"[\u4e00-\u9fff]{1,8}(?:部|局|委|厅|办|委员会|办公室|部门|单位|机关|政府)(?![\u4e00-\u9fff]?[长])")
#: a body named otherwise than as a department ("市工会", "人行某分行", "某海关", "某路灯中心")
OTHER_BODY = re.compile(r"[\u4e00-\u9fff]{1,8}(?:妇联|工会|科协|海关|分行|支行|集团|中心|学院|大学)")
#: "对…部门会采取什么措施": a department that is the object of 对 is not what is asked for
BODY_AS_OBJECT = re.compile(r"对(?:(?!负责|牵头|主管)[^，,。？?]){0,20}?(?:部门|单位)")
#: the words of a who-question with no topic of its own ("这些由哪些部门负责？", "谁来牵头")
WHO_PHRASING = re.compile(r"那么?|这些|这个|这项|由|哪些|哪个|哪几个|哪家|什么|部门|单位|负责|牵头|谁|参与|配合|来|主要|具体|"
                          r"分别|又|还|都|是|的|呢|吗|[？?，,。\s]")
ASKS_DOCNUMBER = re.compile(r"文号|字号|文件编号|编号是|编号多少|(?i:\bdocument number\b)")
#: who issued the document (as opposed to who is responsible for a measure)
ASKS_ISSUER = re.compile(r"(?:哪个|哪些|什么|哪家|谁)(?:部门|单位|机关|机构)?(?:联合)?(?:印发|发布|发文|签发|出台|下发)|"
                         r"(?:印发|发布|发文|签发|出台|下发)(?:单位|机关|部门)|(?:由|是)(?:谁|哪)[^，。？]{0,6}(?:印发|发布|发的|出台)|"
                         r"(?i:\bwho (?:issued|published)\b|\bissued by\b)")
ASKS_DATE = re.compile(r"什么时候|哪天|哪一天|何时|日期|几月几[日号]|落款")
#: "落款的都是哪些局" / "哪几家单位落款": the bodies that sign a document (its issuers), not its date
SIGNATURE_BODIES = re.compile(r"落款(?:(?!哪天|哪一天|日期|什么时候|何时)[^，,。？?；;\s]){0,6}?(?:哪几个|哪些|哪几家|哪个|哪家|几个|几家|谁)"
                              r"(?:部门|单位|机关|机构|家)?|(?:哪几个|哪些|哪几家|哪个|哪家|几个|几家)(?:部门|单位|机关|机构)[^，,。？?；;\s]{0,4}落款")
#: the document's own events (a date asked with these is the document's date, not a measure's deadline)
DOC_EVENT = re.compile(r"印发|发布|出台|签发|落款|成文|发文|下发|公布")
#: an event that is not the document's own (a measure's step): a date asked of it is not the document's date
OTHER_EVENT = re.compile(r"提交|审议|建成|完成|启动|开工|投运|投产|实现|开展|推行|实施|试点|验收|评估|考核")
#: the date a document was signed (落款) as opposed to the date a website published it
SIGNED_DATE = re.compile(r"落款|成文|签发|签署|印发|下发|发文")
PUBLISHED_DATE = re.compile(r"网站|网上|上网|挂网|公布|发布时间|发布日期|网页")
ASKS_RECIPIENTS = re.compile(r"主送|发给|印发给|下发给|发至")
#: the colophon of an official document ("版记上哪个办公室哪天印发"): a part the cards keep for no document
ASKS_COLOPHON = re.compile(r"版记")
#: when a document takes effect or for how long it holds ("何日生效", "管几年的有效期"): no document here states it,
#: so no card has it (a plan's own 实施 of measures is not asked by these words)
ASKS_VALIDITY = re.compile(r"施行|生效|有效期|失效|废止|(?i:\bvalidity\b|\beffective (?:date|from|until)\b|\bexpir)")
#: a question that names a document (its kind) or its cover letter
DOCUMENT_WORD = re.compile(r"方案|通知|文件|规划|意见|办法|函|(?i:\bplan\b|\bnotice\b|\bdocument\b)")
#: the cover letter a document is issued with ("印发通知", "那份函")
COVER_LETTER = re.compile(r"通知|函|印发|(?i:cover letter|\bnotice\b)")
#: where a metadata question asking several facts of a document divides ("谁签发的 发给谁 哪天签的")
CARD_SEGMENTS = re.compile(r"[，,；;？?。！!、\s]+|和|及|以及|还有|另外")
#: an answer's denial that something is written, listed or named ("没有夜市办和灯管所", "未提到X"); group 1: what it denies
DENIAL = re.compile(r"(?:^|[，,])[^，,。]{0,16}?(?:没有(?:提到|提及|列入|列出|包括|写到?|点名)?|未(?:提到|提及|列入|列出|包括|写明?|点名)|"
                    r"不(?:包括|包含|含))(?:把)?([^，,。；;？?]{2,30})")
#: what joins the things a denial names ("没有A和B")
DENIED_JOIN = re.compile(r"和|与|及|、|或|以及")
#: words after a denied thing that are not part of it ("没有A和B这两家单位")
DENIED_FILLER = re.compile(r"(?:等|也|在内|这些|这两个|这两家|两家|单位|部门)+$")
#: what the cover letter tells its recipients to do with the document ("叫下面各单位如何落实", "执行要求是啥")
ASKS_DIRECTIVE = re.compile(r"(?:怎么|如何|咋)(?:执行|落实|贯彻|办)|执行要求|(?:让|要求|叫)[^，,。？?\s]{0,8}(?:怎么|如何|咋)")
#: the copies a letter is sent to (抄送), a line of its own in a cover letter, not its recipients (主送)
ASKS_CC = re.compile(r"抄送|(?i:\bcc\b|carbon cop)")
#: a basis question that asks what the document was made to carry out ("为贯彻落实什么部署制定的", "制定目的是啥"):
#: the preamble's "为X，制定本方案" answers it where the document cites no other by title
ASKS_PURPOSE = re.compile(r"贯彻落实|部署|工作安排|目的|为了什么|为什么(?:要)?(?:制定|出台|印发)")
ASKS_BASIS = re.compile(r"依据|根据(?:哪|什么)|上级文件|贯彻落实(?:哪|什么)|引用的?[^，,。？?]{0,12}(?:文件|通知|方案)")
#: the basis of a measure, not of the document ("下达各区的指标以什么为依据", "补贴标准依据什么定"): the body
#: answers it, not the cover letter
MEASURE_BASIS = re.compile(r"(?:目标|指标|任务|额度|配额|名单|等级|档次|资金|补贴|补助|奖励|标准|价格|电价)[^。？?]{0,8}?依据")
#: the basis of an action the plan asks for, a verb after the asking word ("摊位费依据啥定", "依据什么来分"), not of the
#: document ("依据哪些上级文件制定的": a document word or 制定, 出台, 印发… after it)
ACTION_BASIS = re.compile(r"依据(?:什么|啥|哪些)(?:来|去)?"
                          r"(?![^，,。？?]{0,6}(?:制定|出台|编制|印发|起草|发布|文件|通知|方案|精神|部署))[\u4e00-\u9fff]")
#: who approved the document before it was issued ("经过谁同意", "市政府批准了吗")
ASKS_APPROVAL = re.compile(r"(?:经过?|由)(?:谁|哪|什么)[^，,。？?]{0,8}(?:同意|批准)|谁(?:同意|批准)|(?:同意|批准)了?(?:吗|没有)")
#: whether the published text is the whole document ("公开的是全文吗", "有没有删减")
ASKS_ABRIDGED = re.compile(r"全文|删减|删节|删掉|删去|节选|完整(?:版|的|吗)")
#: what an abridged text left out ("删去了什么"): a note "本文有删减" does not say
ASKS_REMOVED = re.compile(r"删(?:掉|减|除|节|去)?(?:了|的)?(?:是)?(?:哪|什么|啥)|(?:哪|什么|啥)[^，,。？?]{0,6}(?:被)?删")
#: what a cover letter sends with it ("附件是啥", "附件叫什么名字", "附了哪些"), not what the attached text says
#: ("附件里…", "附件的方案里X是多少")
ASKS_ATTACHMENT = re.compile(r"附件(?:是|叫|名|为|有|的(?:名称|标题|名字|全称))[^，,。；;？?\s]{0,6}?(?:什么|啥|哪|几|吗)|"
                             r"(?:什么|啥|哪(?:个|份|些|几个)?)附件|附(?:了|的|带|有)(?:什么|啥|哪)|"
                             r"(?i:\battachments?\b|\bannex(?:es)?\b)")
#: the note in brackets at the end of a cover letter, under its date ("文末括号里标的啥", "落款下面那行括号注释"; a card's
#: notes: 本文有删减, 此件公开发布), not a department parenthesis ("括号里写了哪些部门")
ASKS_NOTE = re.compile(r"(?:文末|末尾|结尾|文尾|最后|落款(?:日期)?(?:下面|下方|后面|之后|底下|下))[^？?，,。]{0,12}?括号|括号注释|括注|附注|备注")
#: how the document is released ("是公开发布的吗", "公开方式")
ASKS_RELEASE = re.compile(r"公开(?:发布)?的?(?:吗|么|没有)|是否(?:公开|对外)|公开方式|公开属性|(?:能不能|可以|可不可以)公开")
#: "is it / does it" questions: 是否, …吗, 有没有, 有无
ASKS_YESNO = re.compile(r"是否|有没有|有无|是不是|有提没|提了没|提到没|有没提|(?:吗|(?<![什怎这那多])么)[？?]?\s*$|"
                        r"有[^，,。；;？?！!\s]{1,8}没[？?]?\s*$")  # ("…有这个规定没": 有X没 asks yes or no)
#: an A-not-A question ("会不会调整", "能不能新上", "算不算"): asks yes or no, even when a 多少 is part of
#: what it asks about ("会不会根据坐车的人多少来调整")
A_NOT_A = re.compile(r"(会不会|能不能|可不可以|是不是|要不要|算不算|用不用|需不需要|允不允许|让不让|有没有|提没提)")
#: "does the plan mention X": the object X follows the verb
MENTION_VERB = re.compile(r"(?:有没有|是否|有无)?(?:提到|提及|涉及|说到|讲到|写到|出现)(?:过|了)?|"
                          r"(?:有没有|是否|有无)(?:规定|明确|提(?![高升出前供交]))(?:了|过)?|提没提(?:到|及)?|"
                          # "是否提出开展X" / "有没有支持X" / "有没有推广X的内容": whether the plan does X at all
                          r"(?:有没有|是否|有无)(?:提出|要求|支持|鼓励|推广|部署|安排)(?:了|过)?|"
                          # "有没有点名X" / "有没有推X这种模式" (推 for 推广/推行 in casual writing)
                          r"(?:有没有|是否|有无)(?:点名|点到|推行|推(?![动进广出迟后荐]))(?:了|过)?|"
                          # "有没有讲X怎么处理": 讲/说/写 alone, with the question word right before it
                          r"(?:有没有|是否|有无)(?:讲|说|写)(?:了|过)?(?![到及出明清])|"
                          # "…那条也写了X吗": 写了/讲了/提了 with the question ending at 吗 right after X
                          r"(?<![没未])(?:写|讲|提)(?:了|过)(?=[^，,。？?\s]{2,16}?(?:吗|么|没有?)[？?]*\s*$)")
#: "有没有把X算进去" / "是否将X纳入": whether X is among what the plan lists (X: "陶瓷")
#: an adverb between the question word and the mention verb ("有没有也提X", "是否还提到X"): the question is the same
MENTION_ADVERB = re.compile(r"(有没有|是否|有无)(?:也|还|又|都|另外|同样|再)(?=提|说|讲|写|规定|明确|涉及|点名|推)")
MENTION_INCLUDED = re.compile(r"(?:有没有|是否|有无)(?:把|将)([^，,。？?]{2,12}?)(?:也)?(?:算进去|算在内|算进|列进去|列入|列进|纳入|包括进去|包括在内|包含在内|放进去)|"
                              r"(?:有没有|是否)(?:包括|包含|涵盖)了?([^，,。？?]{2,16}?)[吗？?]*$")
#: "资阳方案里有没有岸电？" / "某方案有X吗": a document, then whether it has X, with nothing asked of X after it
#: X of a yes/no question that ends with X ("…有没有X？", "…有X吗"): a word of its own, then only the question's end
_ASKED_X = r"([^，,。；;？?！!\s]{2,16}?)"
_ASKED_END = r"(?:吗|么|没有?|呢|啊)?[？?！!。]*\s*$"
MENTION_BARE = re.compile(r"(?:方案|文件|规划|通知|函|那份|这份|那个|这个)(?:里|中|上|里面|当中)?\s*(?:有没有|有无|是否有|有)(?!没有|没)"
                          rf"(?:这种|这类|类似的?|这样的|关于|涉及)?{_ASKED_X}(?:的内容|的提法|的表述)?{_ASKED_END}")
#: "某方案照明那条要改造的几类灯具里，有没有Y？": whether a listing of the plan has Y; Y is looked up in the whole plan (a
#: plan that writes Y nowhere lists it nowhere)
MENTION_IN_LISTING = re.compile(r"(?:方案|文件|规划)[^，,。；;？?！!]{0,40}?(?:里|中|当中|里面)[，,\s]*(?:有没有|有无|是否有|是否包括|有没有包括)"
                                rf"{_ASKED_X}{_ASKED_END}")
#: what "某方案有没有X" asks that is a kind of answer, not a term the plan would write ("有没有具体数字", "有没有名单",
#: "有没有时间表"): a list or a figure may be given without the word
BARE_ANSWER_KIND = re.compile(r"(?:具体|明确|量化|专门|详细|相关)?(?:的)?(?:数字|数据|数|目标|指标|名单|清单|时间表|时间|期限|年份|比例|标准|"
                              r"要求|规定|说法|内容|安排|部署|措施|办法|依据|解释|计划|任务|分工|牵头单位|责任单位|部门)")
#: the first word of an X of "某方案有没有X" that makes it no term: it points back ("这句", "这说法"), or says what the
#: plan would do with something else ("给X定Y", "也规划个X", "写吗")
BARE_NOT_TERM = re.compile(r"这|那|此|该|也|还|都|又|给|对|把|将|为|写|说|提|讲|列|点|规定|要求|明确")
#: "X 有提没" / "X提了没": X is what comes before (after the document it is asked of)
_X_BEFORE = r"([^，,。？?]{2,30}?)\s*"  # (X, then the words that ask whether the plan mentions it, at the end)
MENTION_BEFORE = re.compile(rf"{_X_BEFORE}(?:有提没|提了没|有提到没|提到没|有没提|有没有提)(?:有)?[吗？?]*\s*$")
#: "某方案 X 提没提": X before an A-not-A at the end of the question
MENTION_BEFORE_ANOTA = re.compile(rf"{_X_BEFORE}(?:提没提|说没说|写没写|讲没讲)(?:到|及)?[吗？?]*\s*$")
#: "那夜市这块呢 夜市路灯有没有说法": X before "有没有说法" (X a word of its own, after a space or a comma)
MENTION_SAYING = re.compile(r"(?:^|[\s，,])([^，,。？?\s]{2,20}?)\s*(?:有没有|有无)(?:说法|提法)[吗？?]*\s*$")
#: "有没有X的规定" / "是否有X的要求": whether the plan says X at all (X: "限期整改")
#: the nouns that make "有没有X的…" ask whether a requirement about X is written
_REQUIREMENT_NOUNS = "规定|要求|说法|安排|条款"
MENTION_OF = re.compile(rf"(?:有没有|是否有|有无)([^，,。？?]{{2,12}}?)的(?:{_REQUIREMENT_NOUNS})")
#: an X of those that names nothing ("有没有什么具体的规定", "有没有明确的要求")
MENTION_VAGUE = re.compile(r"(?:什么|任何|具体|明确|相关|专门|特别|类似|这样|这种|这方面|其他|别的|新的|量化)+")
#: an X of "有没有管这事的说法" that points back at what the asker said before ("专利老被人仿…有没有管这事的"):
#: nothing to look up as written, so no "not mentioned" check is made of it
MENTION_DEICTIC = re.compile(r"这(?:事|件事|种事|些事|类事|个事|个问题|种问题|种情况|种现象)|此事|该事|这个$")
#: words after X of "有没有提X这块" that are not part of X
MENTION_FILLER = re.compile(r"(?:这块|这一块|这方面|这一方面|方面|这些|这类|之类|等等|"
                            r"(?:这种|这类|这样的|此类)(?:模式|做法|方式|机制|形式)?|(?<=..)(?:行业|领域))$")
#: words inside X of "有没有提到X" that join its words without being one ("路灯、灯杆这类照明设施要节能改造": a
#: plan writes "路灯、灯杆等照明设施节能改造"); X's words are read on each side of them
MENTION_GLUE = re.compile(r"这类|这种|这些|那些|之类|此类|(?<=[\u4e00-\u9fff])(?<![主重只需必想摘纲概])要(?![求素点闻害])|"
                          r"(?<=[\u4e00-\u9fff])(?:需要|应当|必须)")
#: where the X of "有没有讲X" ends: the question about X that follows it ("X怎么处置", "X如何管理")
MENTION_TERM_END = re.compile(r"怎么|怎样|如何|哪些|哪个|什么|多少|"
                              # "有没有点名X要做Y": X is what the plan would have to name
                              r"(?<![重主需摘纲概只])要(?=做|搞|开展|实施|进行|求|完成)")
#: "A还是B" / "A或者B" inside X: either one mentioned is a mention
ALTERNATIVES = re.compile(r"还是|或者|或是")
#: what joins the items of "有没有提到A和B" (each is looked up on its own: ``mention_items``)
LISTED_JOIN = re.compile(r"以及|和|与|及|、")
#: "对X有没有什么要求": whether the plan says anything about X at all (X is the object of 对)
MENTION_ABOUT = re.compile(r"对([^，,。？?]{2,16}?)(?:有没有|是否|有无)(?:什么|任何)?(?:要求|规定|部署|安排|措施|说法)")
#: "有没有对X给Y": whether the plan gives X a Y at all (a subsidy, a price): Y is what it would have to mention
MENTION_GIVEN = re.compile(r"(?:有没有|是否|有无)对([^，,。？?]{2,16}?)(?:给予?|提供|安排|实行|出台)(?:了|过)?([^，,。？?]{2,16}?)[吗么？?]*\s*$")
#: "也要搞这个示范吗" / "也有这项制度吗": the head noun a follow-up points back with (示范, 制度)
DEICTIC_HEAD = re.compile(r"(?:这个|这一|这项|这种|这类|这样的|该)([\u4e00-\u9fff]{2,4}?)(?:吗|么|呢|没有?|[？?。]|$)")
#: adverbs and verbs that lead a phrase of a plan's sentence ("加快打造X示范"): not part of the thing named
PHRASE_LEAD = re.compile(r"^(?:(?:积极|加快|大力|有序|稳步|逐步|探索|持续|全面|深入|进一步)+)?"
                         r"(?:争取|开展|推进|推动|推广|建设|实施|支持|鼓励|建立|完善|创建|打造|培育|申报)?")
#: what a "有没有提到X" question may put before X that is not part of X ("发展氢能" asks about 氢能)
MENTION_LEAD_VERB = re.compile(r"^(?:发展|推进|推动|推广|加强|建设|开展|实施|支持|鼓励|建立|完善|使用|应用)(?=.{2,})")
#: a document number typed loosely ("甲发2021 9号", "甲发(2021)9号", "甲发2021年第9号"): the issuer's abbreviation (ending
#: as issuers' abbreviations do), the year, the serial number; written as the documents write it ("甲发〔2021〕9号")
#: before analysis, so that the number names its document and is not read as a figure
LOOSE_DOCUMENT_NUMBER = re.compile(r"(?<=[发环办函委府字厅局合])\s*[\[［(（【〔]?\s*(20\d\d)\s*[\]］)）】〕]?"
                                   r"\s*(?:年\s*)?(?:第\s*)?(\d{1,4})\s*号")
#: casual spellings of question words, written the standard way before analysis ("有木有" = 有没有)
CASUAL_SPELLINGS = {"有木有": "有没有", "木有": "没有", "啥": "什么", "咋": "怎么"}
#: the question asks how the plan words something ("原话怎么说", "那句咋写的", "怎么表述的"): each sentence an answer
#: rests on is quoted as the plan writes it
WORDING_ASKED = re.compile(r"原话|原文|原句|怎么写|咋写|怎么表述|咋表述|如何表述|怎么说的|咋说的?|写法")
#: "有提X吗" / "写没写X" / "说没说X": whether the plan mentions X, asked without "有没有" before the verb; written as
#: "有没有提到X" before analysis (not "没有提", which says, nor "有提出"/"有提高"/"有说明", which are other verbs)
MENTION_VERB_CASUAL = re.compile(r"(?:(?<![没沒])有(?:提|说|讲)(?:到|及|过)?(?![高升出前供交明法])|(?:写没写|说没说|讲没讲)(?:到|及)?)"
                                 r"(?=[\u4e00-\u9fff“\"]{2})")  # (X after it: "某方案 X 写没写" is MENTION_BEFORE_ANOTA's)
#: "几成" / "多少成": a share asked in tenths ("亮灯率要提到几成"), written as "百分之几" before analysis: a figure asked
SHARE_IN_TENTHS = ((re.compile(r"多少成(?![本品型果立功绩])"), "百分之多少"), (re.compile(r"(?<![这那哪])几成(?![本品型果立功绩])"), "百分之几"))
#: "在第几条" / "第几款": where a sentence stands, which every answer cites, not a figure: written "哪一条" before analysis
ORDINAL_CLAUSE = re.compile(r"第几(?=条|款|项|部分|章|节|段|个条款)")
#: "标没标X" / "有没有注明X": whether a document marks X on it asks whether X is written there, as "有没有提到X"
MARK_VERB_CASUAL = re.compile(r"(?:标没标|注没注|标注没标注|标明没标明|注明没注明|(?:有没有|有无|是否)(?:标注|标明|注明|标))了?"
                              r"(?=[\u4e00-\u9fff“\"]{2})")
#: "有没有" written short before the verb it asks of ("有没提X", "有没说X"): written in full before analysis
CONTRACTED_ANOTA = re.compile(r"有没(?=提|说|讲|写|点名|规定|明确|涉及)")
#: a particle that ends a casual question and means nothing ("…有没提夜市啊"): dropped before analysis, so that it
#: is not read as part of what is asked about (呢 and 吧 are kept: "那B市呢" asks; so is 嘛: "建这个干嘛" asks what for)
CASUAL_PARTICLE = re.compile(r"(?<=[\u4e00-\u9fff])[啊呀哈哦]+(?=[？?!！。\s]*$)")
#: a rhetorical question that asserts a requirement ("方案不是要求X吗？")
RHETORICAL_PREMISE = re.compile(r"不是(?:已经)?(?:要求|规定|明确|提出|说)(?:了|过)?(.{4,}?)(?:吗|么)[？?]?")
#: the same, not the yes/no question "是不是要求X？", nor read past the end of a question ("…？要达到什么")
RHETORICAL_ONLY = re.compile(r"(?<!是)不是(?:已经)?(?:要求|规定|明确|提出|说)(?:了|过)?([^？?。！!]{4,}?)(?:吗|么)[？?]?")
#: "A的X是否高于/低于B": B is compared with A
THAN_WORD = re.compile(r"(?:比|高于|低于|超过|不如)$")
#: where "A的X比B的Y…" compares: what stands between B and it is B's own subject
THAN_OWN = re.compile(r"(?:的)?(?:目标)?(?:要)?(?:(?:高|低|多|少|大|小)(?:了)?(?:多少|几)|大还是小|高还是低|多还是少|更(?:高|低|多|少|大|小))")
#: asking for a company or an institution by name (not for a government department)
ASKS_ENTITY = re.compile(r"(?:哪家|哪个|哪些|什么)(?:企业|公司|高校|大学|机构|平台|项目)|(?i:\bwhich (?:company|companies|enterprise|firm)\b)")
#: asking for a time ("哪一年建成", "什么时候开始"): quotes with no year or date do not answer it
ASKS_WHEN = re.compile(r"哪一?年|什么时候|何时|哪天|几月|(?i:\bwhen\b|\bwhat year\b)")
DATE_IN_TEXT = re.compile(r"\d{4}\s*年|年底|年内|月底|\d{1,2}\s*月")
#: a requirement extended with 也 to a subject ("夜市摊位也要…", "叉车也必须…"): the subject before 也
ALSO_EXTENDS = re.compile(r"([^，,。；;？?\s]{2,16}?)也(?:要|必须|得|应|应当|需要?|都|将|会|纳入|算|列入|适用|执行)")
#: a statement that two plans both give something ("A方案和B方案都给了X的比例", "都设定了X的目标"): X
BOTH_GIVEN = re.compile(r"(?:都|均)(?:给了|给出了?|定了|设定了|设了|写了|规定了|提出了)(?:了)?(?:个)?([^，,。？?]{2,30})")
#: the words that end an institution's name by its kind
_INSTITUTION_KIND = r"大学|学院|研究院|研究所|有限公司|公司|集团"
#: the name of an institution the plans write ("夜市灯具工程大学", "路灯科技有限公司", "某市中心支行"), ending in the
#: word for its kind (group 1); users shorten such names ("夜灯大")
INSTITUTION_NAME = re.compile(r"([\u4e00-\u9fff]{2,12}?)(" + _INSTITUTION_KIND + r"|中心支行|分行)")
#: what follows a region's name inside an institution's name ("四川|灯具大学", "乙镇雅安|照明有限公司", "资阳市|夜市
#: 照明技术研究所"): a few words of the name, none a joining or generic word, then the word for its kind
INSTITUTION_TAIL = re.compile(r"(?:(?!的|和|与|及|各|等|有关|相关)[\u4e00-\u9fff]){0,6}?(?:" + _INSTITUTION_KIND + ")")
#: the verb a sentence puts before such a name ("重点支持X有限公司", "联合X大学"): not part of it
INSTITUTION_LEAD = re.compile(r"^(?:重点)?(?:支持|推动|鼓励|联合|依托|引导|组织|会同|指导|由)")
#: asking who holds a personal post ("路灯工作小组的组长是谁", "照明办主任由谁兼任", "发言人是哪位"): the post
PERSON_POST = r"副?组长|副?主任|副?局长|副?厅长|副?市长|副?省长|书记|处长|科长|发言人|联系人"
ASKS_PERSON = re.compile(rf"({PERSON_POST})(?:[、和与及](?:{PERSON_POST}))*[^，,。？?]{{0,4}}?"
                         r"(?:是谁|由谁|叫什么|是哪位|谁来|谁当|谁担任|谁兼任)|谁(?:来)?(?:当|担任|兼任)("
                         rf"{PERSON_POST})")
#: asking for an amount of money ("每盏补多少钱", "罚多少", "什么罚款", "总投资多少亿元", "How large a fine")
ASKS_MONEY = re.compile(r"多少钱|多少(?:万|亿)?元|(?:几|多少)(?:万|亿|千)块|罚(?:款)?(?:多少|几)|(?:什么|哪些|啥)(?:样的)?罚款|"
                        r"罚款(?:标准|金额|数额)|罚款[^，,。？?]{0,6}(?:多少|几)|补(?:贴|助)?[^，,。？?]{0,4}(?:多少|几)(?:钱|万|元)?|"
                        r"奖励?[^，,。？?]{0,4}多少|资金[^，,。？?]{0,6}多少|投资[^，,。？?]{0,6}多少|多少资金|多少投资|金额|"
                        r"(?i:how much money|\bfines?\b|\bpenalt|\bsubsid(?:y|ies|ise|ize)\b)")
#: an amount of money a document states ("补助50万元", "3亿元")
MONEY_AMOUNT = re.compile(r"\d+(?:\.\d+)?\s*(?:千|万|亿)?元")
#: asking for a telephone number ("打哪个电话", "发现违规该打哪个号", "举报热线是多少"): quotes with no number of five
#: or more digits do not answer it
ASKS_PHONE = re.compile(r"电话|热线|号码|(?:打|拨)(?:哪个|什么|几)号|(?i:\bphone\b|\bhotline\b)")
#: what a name of each kind ASKS_ENTITY asks for contains ("…有限公司", "…大学", "…平台"): quotes with no
#: such name do not answer "哪家企业/哪个平台…"
ENTITY_NAME = {"企业": r"公司|集团|企业|厂", "公司": r"公司|集团|企业", "高校": r"大学|学院", "大学": r"大学|学院",
               "机构": r"院|所|中心|机构|协会|银行|分行|支行|局", "平台": r"平台|通|网|系统", "项目": r"项目|工程|电站|基地|线",
               "时间": DATE_IN_TEXT.pattern, "电话": r"\d{5,}"}
#: names of a company end in 公司 / 集团 / 厂: the word 企业 in the quotes ("引导企业实施…") is the kind, not a name
#: (``entity_word``; without it ENTITY_NAME counts 企业 as a name)
COMPANY_NAME = r"公司|集团|厂"
#: the kind of name a question asks for ("由哪家建设公司承建" → 公司)
_ENTITY_WHICH, _ENTITY_KINDS = r"(?:哪家|哪个|哪些|哪几家|什么)", r"(企业|公司|高校|大学|机构|平台|项目)"
ASKS_ENTITY_KIND = re.compile(_ENTITY_WHICH + r"[\u4e00-\u9fff]{0,4}?" + _ENTITY_KINDS)
#: the same, where the words between the which-word and the kind do not name a means ("用什么办法促企业节水" asks a
#: means, not which company: ``means_asked``)
ASKS_ENTITY_KIND_NO_MEANS = re.compile(_ENTITY_WHICH + r"(?:(?!办法|措施|方式|方法|手段|政策|途径|举措)[\u4e00-\u9fff]){0,4}?"
                                       + _ENTITY_KINDS)
#: asking which particular members of a kind ("哪几个厂", "园区列了哪几个", "企业名单"): the kind
#: (any of these kinds is also looked for in a sentence read without the asked kind)
MEMBER_KIND = r"(企业|公司|厂|园区|项目|电站|基地|平台|机构|高校|实验室|产品|单位|中心)"
_WHICH_MEMBERS = r"(?:哪些|哪几个|哪几家|哪个|哪家|哪一个|哪几所|哪所|哪座|哪几座|哪几处)"
_NOT_MEMBERS = r"(?!的?(?:部门|措施|要求|行业|方面|计划|任务|内容|工作|政策))"
ASKS_MEMBERS = re.compile(rf"{_WHICH_MEMBERS}[\u4e00-\u9fff]{{0,8}}?{MEMBER_KIND}{_NOT_MEMBERS}|"
                          rf"{MEMBER_KIND}[^，。？?]{{0,6}}?{_WHICH_MEMBERS}{_NOT_MEMBERS}|{MEMBER_KIND}名单")
#: an unnamed set that lists kinds ("实施一批A项目、B项目、C项目"): asked for the members of one of those kinds, it
#: names none
UNNAMED_LISTING = r"(?<!等)(?:一批|一些|若干)[^，。；;]{0,60}?"
#: "具体是哪几个兄弟X？": the members of a kind X asked at the end of the question (X named as the plan might
#: name it, any kind: 城市, 行业)
ASKS_KIND_MEMBERS = re.compile(r"(?:哪几个|哪些|哪几家|哪几类|哪几种|哪几所)(?:[\u4e00-\u9fff]{1,4}的)?"
                               r"([\u4e00-\u9fff]{2,6}?)(?:呢|啊)?[？?]?\s*$")
#: what follows a kind in a sentence that goes on to name its members ("X包括…", "X：…", "X有A、B")
KIND_NAMED_AFTER = re.compile(r"^(?:包括|包含|有|为|如|即|：|:|（)")
#: a question about who does a task ("哪些单位负责", "责任单位", "主送哪些单位"): the bodies, not the members of a kind
ASKS_DUTY = re.compile(r"负责|牵头|责任|主送|抄送|参与|配合|分工|承担")
#: "鼓励哪些单位申报X": units asked as those a sentence names for an action, not as who is responsible
UNITS_ASKED = re.compile(r"(?:" + _ENTITY_WHICH + r"|哪几个)单位")
#: what ends the name of the kind a which-question asks about, read backwards ("资阳方案 抽水蓄能电站 要启动哪个" →
#: 抽水蓄能电站): a which-word, 的, a document word, a space
MEMBER_PHRASE_CUT = re.compile(r"哪些|哪几个|哪几家|哪个|哪家|哪一个|哪所|哪座|的|方案|文件|里|中|要|准备|把|将|一批|\s")
#: members of a kind left unnamed ("推进一批条件成熟的…项目", "支持具备条件的企业"): a determiner before the kind,
#: with no listing ending in 等 between them or just before ("A、B等一批项目" names them)
UNNAMED_MEMBERS = r"(?<!等)(?:一批|一些|若干|具备条件的|符合条件的|有条件的|条件成熟)[^，。；;等]{{0,20}}?{kind}(?!、)"
#: a character of a which-word ("哪些", "几个"): the two characters before a kind that has one ask, not name
WHICH_CHAR = re.compile(r"哪|几")
#: an unnamed set that lists two or more kinds of the kind asked ("建设一批A中心和B中心"): the kinds answer "哪些中心"
KINDS_LISTED = r"(?:一批|一些|若干)[^，。；;等]{{0,20}}?{kind}(?:和|、|与|以及|及)[^，。；;等]{{1,12}}?{kind}"
#: asking for a particular place ("选址在哪个县", "是哪几个区县", "which cities"): quotes that name no place
#: do not answer it
ASKS_PLACE = re.compile(r"(?:哪个|哪些|哪几个|哪一个)(?:区县|县|区|城市|市|州|地方|地区|乡镇|镇)|在哪(?:里|儿)|"
                        r"(?i:\bwhich (?:city|cities|county|counties|district|districts|places?)\b|\bwhere\b)")
#: asking for places of one administrative kind ("哪几个区县", "哪些试点城市"): the name's ending that kind takes.
#: A region such as "成都平原" or "…示范区" answers "在哪些地方" but not "哪几个城市"; "区域" asks for any area.
ASKS_ADMIN_PLACE = re.compile(r"(?:哪个|哪些|哪几个|哪一个)(?:[\u4e00-\u9fff]{0,4}?(区县|县区|城市|乡镇)|(县|区(?!域)|市|州|镇))")
ADMIN_KIND = {"区县": "区县", "县区": "区县", "县": "区县", "区": "区县", "城市": "城市", "市": "城市", "州": "城市",
              "乡镇": "乡镇", "镇": "乡镇"}
#: the endings of a place name of each administrative kind
ADMIN_SUFFIX = {"区县": re.compile(r"[区县]$"), "城市": re.compile(r"[市州]$"), "乡镇": re.compile(r"[乡镇]$")}
#: what a particular place's name ends with ("北碚区", "攀枝花市", "大渡河"): a place word without it ("美丽",
#: which jieba tags as a place) does not answer "在哪个县"; nor does a generic one (GENERIC_PLACE_NAMES)
PLACE_SUFFIX = re.compile(r"(?:市|县|区|州|镇|乡|河|江|湖|山|流域)$")
#: a named area rather than an administrative unit ("成都平原经济区", "安宁河谷", "高速公路服务区"): a place too
PLACE_AREA = re.compile(r"[\u4e00-\u9fff]{2,10}?(?:经济区|开发区|新区|示范区|试验区|河谷|平原|毗邻地区|服务区|港区)")
GENERIC_PLACE_NAMES = frozenset({"自治县", "新区", "开区", "城区", "园区", "市区", "县区", "景区", "库区", "山区", "社区",
                                 "片区", "辖区", "示范区", "试验区", "各区", "全区", "全县", "全市", "本市"})
ASKS_WHICH_DOC = re.compile(r"哪个(?:文件|方案|文件里|方案里)|(?:哪几个|哪些|哪几份)(?:文件|方案)|哪份|哪一份|哪个地方的方案|出自|(?i:\bwhich (?:document|plan)\b)")
#: a list question that asks for every item ("全部列出来", "一条条列", "都有哪些"): the first clause is given whole
#: (up to LONG_LIST_CHARS), not its few sentences nearest the question
ASKS_EVERY_ITEM = re.compile(r"全部|全都|全列|列全|一条条|逐条|逐一|所有|完整(?:地)?列|都列|统统|一共|总共|都有哪些|全面列")
#: "一个不落" / "一个也别漏" / "别漏了": every item asked for, said as leaving none out
NOTHING_LEFT_OUT = re.compile(r"一个不[落漏]|一个都不[能要]?[落漏]|一[个项条样]?[都也]?(?:别|不要|不能)[落漏]|(?<![不])别[落漏]|"
                              r"不要[落漏]|不能[落漏]|无遗漏|列齐")
#: "一条不落" / "一样不漏" / "一项不落": every item asked, as "一个不落" (read with ``left_out_words``)
LEFT_OUT_ITEMS = re.compile(r"一[条项样件种]不[落漏]")
LONG_LIST_CHARS = 360
#: sentences the extractive fallback quotes for such a question (2 otherwise)
EVERY_ITEM_QUOTES = 8
ASKS_LIST = re.compile(r"哪些|有什么|包括什么|包括哪|几个方面|列出|都有|措施|任务|(?i:\bwhat (?:are|measures)\b)")
#: words that make a figure question ("比例", "达到") worth a figure bonus when choosing sentences ("哪几种"
#: asks which ones, not how many)
ASKS_FIGURE = re.compile(r"多少|(?<!哪)几|比例|比重|目标|指标|百分|%|下降|提高|达到|万吨|亿")

# --------------------------------------------------------------------------- figures
UNIT = (r"(?:%|万吨标准煤|万吨标煤|万吨|亿吨|吨|万千瓦时|千瓦时|万千瓦|千瓦|亿千瓦时|亿元|万元|元|个百分点|百分点|个|家|座|辆|台|"
        r"公里|千米|万平方米|平方米|万立方米|立方米|年|月|日|倍|项|处|条|户|万人|人|毫克|微克|天|小时|万辆|万台|万个)")
#: the unit a how-much question names ("多少万吨", "几个", "百分之几"); "几个点" and "个百分点" ask for a share
ASKED_UNIT = re.compile(r"(?:多少|几)(?:万|亿|千)?(吨标准煤|吨标煤|吨|辆|台|个(?![点百])|家|座|公里|千瓦时|千瓦|立方米|平方米|亩|"
                        r"公顷|元|项|处|户|人)|(百分之几|百分之多少|百分比|(?:多少|几)个?(?:百分)?点)")
#: "那几个降幅" / "这几个指标": the things pointed at, not a count in 个 (read as "那些"; "哪几个" asks which, left as is)
DEICTIC_COUNT = re.compile(r"([那这])几个")
#: the magnitude before a unit ("万吨" is counted in 吨)
UNIT_MAGNITUDE = re.compile(r"^(?:万|亿|千)")
#: a count written in Chinese numerals ("省、市、县三级", "三大粮食作物", "两类"): a figure for a how-many
#: question (一 is left out: 一批, 一体化 are not counts)
CJK_COUNT = re.compile(r"(?<![第十])[两二三四五六七八九十]+(?:级|类|项|大|种|个|批次|方面)")
#: a count a premise asserts in Chinese numerals ("每季度检查三次", "整改六个月"): it must stand in the sentence too
PREMISE_COUNT = re.compile(r"(?<![第十])[两二三四五六七八九十百]+(?:次|个月|周|天|倍|级|类|项|种|批)")
#: a share in words ("有一半可以不算", "三分之一"): like a figure, it must stand in the sentence that states the requirement
PREMISE_SHARE = re.compile(r"一半|半数|过半|大半|[二三四五六七八九十]分之[一二三四五六七八九]")
#: how often something is done ("每个季度考核", "年度评价"): a premise's frequency must stand in the sentence that
#: gives the requirement a frequency of its own
FREQUENCY = re.compile(r"季度|月度|年度|每月|每年|每周|半年|五年")
#: the verb that binds a figure to what it measures ("…利用率稳定在90%以上", "…比重降至25%以内")
FIGURE_VERB = re.compile(r"稳定在|保持在|控制在|达到|达|降至|降到|下降|降低|提高到|提升到|提高|提升|增长|增加|减少|超过|不低于|不高于|为|是")
#: Words bound to a figure in a policy: part of the figure ("3万台以上" is not "3万台").
QUALIFIERS_AFTER = ("以上", "以下", "左右", "以内", "上下", "之内")
QUALIFIERS_BEFORE = ("力争", "不低于", "不高于", "不少于", "不超过", "超过", "低于", "高于", "约", "累计")

#: how a question names a plan ("某市路灯改造行动方案", "夜市方案"): a run of Chinese ending in 方案,
#: cut after its last 的/里/中 ("推广路灯的方案" names the plan by what follows 的). An answer that restates the name
#: is not claiming the name's words of the sentence its figure comes from.
PLAN_REFERENCE = re.compile(r"[\u4e00-\u9fff]*方案")
PLAN_REFERENCE_CUT = re.compile(r"^.*[的里中]")

# --------------------------------------------------------------------------- question structure
#: a personal preamble: who is asking and why ("我是市里管交通的，想核实一下：")
#: what the asker is doing it for, before the colon that opens the question ("要给街道做个展板找依据：", "写材料要用："):
#: said by a first segment that names no document (read with ``purpose_preamble``)
ASKER_PURPOSE = re.compile(r"(?:给|为|帮)[^，,：:]{1,12}?(?:做|写|准备|整理|编|出)|找(?:个)?(?:依据|出处|原文)|"
                           r"(?:写|做|准备|整理)(?:个)?(?:材料|报告|课件|汇报|讲稿|宣传)")
#: a word that names a document ("…方案", "文件", "通知"): a segment with one is about a document, no preamble
NAMES_DOCUMENT = re.compile(r"方案|文件|规划|通知|函")
#: more of how people say who they are and what they want checked ("我在一家灯具厂做夜市项目，想核对一下："):
#: read as a preamble with ``preamble_more``
_MORE_REQUESTS = r"想(?:核对|核一下|对一下|搞清楚|弄清楚)"
PREAMBLE_MORE = re.compile(rf"{_MORE_REQUESTS}|我在[^，,]{{1,16}}?(?:做|负责|管|跑)")
#: the request among those ("想核对一下"): what follows it in its segment is what is asked about
REQUEST_MORE = re.compile(rf"{_MORE_REQUESTS}(?:一下|下)?")
PREAMBLE = re.compile(r"我是|我们是|本人是|本人在|我在[^，,]{1,12}(?:工作|上班)|领导(?:让|要|叫)我|老板(?:让|要|叫)我|"
                      r"想(?:核实|确认|了解|问|查|请教)|请问|麻烦|帮(?:我|忙)|咨询一下|问一下|问下|查一下|打听|"
                      r"(?i:\bI(?:'m| am)\b|\bplease\b)")
#: the end of a question that says which document not to answer from ("…别拿某市那份答", "别跟省里的N%搞混"): it names
#: a document to leave out, so it is no part of what is asked, and names no scope
EXCLUDED_SOURCE = re.compile(r"[，,\s]*(?:别|不要|不用|勿)(?:拿|用|跟|和|与|按|把)[^，,。？?！!]{1,16}?(?:来|去)?"
                             r"(?:答|回答|作答|搞混|混淆|弄混|混了|混)(?:了|啊|哈|哦|呀)?[。！!？?]?\s*$")
#: a statement about another document that only sets the scene ("某方案定为N万台以上", "X号是某市那份的文号",
#: "A方案跟B的一样"): a fact given with a figure or a document number, or a likening; a document named only in
#: such statements is no document the question asks about
CONTEXT_FACT = re.compile(r"(?:是|为|定为|定的是|定了|达到|写的是|给的是|提的是)[^，,。；;？?！!]{0,12}?(?:\d|〔)|"
                          r"〔\d{4}〕\d+号[^，,。；;？?！!]{0,4}是")
CONTEXT_LIKENED = re.compile(r"(?:跟|和|与|同)[^，,。；;？?！!]{1,20}?(?:的)?(?:一样|相同)|"
                             r"像[^，,。；;？?！!]{2,24}?(?:那样|一样)")
#: what "像A那样X，B有没有这个" likens to A: X, after the likening up to the next comma, space or question mark
LIKENED_TERM = re.compile(r"像[^，,。；;？?！!\s]{2,24}?(?:那样|一样)[，,\s]*([^，,。；;？?！!\s]{4,40})")
#: the noun that makes X of "有没有X的提法" a requirement to look up ("…的提法", "…的要求"): not part of X
MENTION_OF_TAIL = re.compile(rf"的?(?:{_REQUIREMENT_NOUNS}|提法|做法)$")
#: "带“X”的有几处 / 有多少处": how many places write a quoted X (only with a term quoted: "有几处保护区" counts
#: places of another kind)
OCCURRENCES_COUNTED = re.compile(r"(?:一共|总共|共)?有(?:几处|多少处|几个地方)")
#: "X出现在哪几处" / "X被点了几次名" / "“X”前后出现了几处": every place the documents name X is asked for
OCCURRENCES = re.compile(r"(?:一共|总共|共)?在?(?:哪几处|哪两处|哪三处|哪些地方|几处|几个地方)(?:提到|出现|提及|写到)|"
                         r"出现在(?:哪几处|哪两处|哪三处|哪些地方|几处|几个地方)|"
                         r"(?:前前后后|前后|一共|总共|共)?(?:被)?(?:点了几次名|点名了?几次|提到了?几次)|"
                         r"(?:前前后后|前后|一共|总共|共)?出现了?(?:几|两|三|多少)(?:回|次|处)")
#: a figure the question gives and asks what it measures ("某方案里也冒出个N% 它讲的是哪项指标", "有两个N% 分别是
#:什么指标"): group 1 is the figure, looked up as written in the documents in scope
FIGURE_GIVEN = re.compile(r"(?<![\d.])(\d+(?:\.\d+)?\s*(?:%|％|万吨|万辆|万台|万千瓦|万平方米|万亩|万公里|公里|个百分点))")
FIGURE_LOOKUP = re.compile(FIGURE_GIVEN.pattern + r"[^。？?]{0,24}?(?:说的|指的|讲的|对应的?|是|都是)?(?:是)?(?:啥|什么|哪个|哪项|哪一项|哪些|哪几个)"
                           r"(?:指标|目标|东西|内容|比例|比重|的(?:指标|目标|比例))")
#: a figure the question gives and asks where it is written ("N%这个数是谁家写的", "N%出自何处") or what each of its
#: occurrences is ("有两个都是N% …各是啥"): looked up as written, like FIGURE_LOOKUP
FIGURE_SOURCE = re.compile(FIGURE_GIVEN.pattern + r"[^。？?]{0,30}?(?:(?:是|在)?(?:谁家|哪家|哪份|哪一份|哪个(?:文件|方案)|哪里|哪儿)"
                           r"[^。？?\s，,]{0,4}?(?:写的|提的|定的|说的|出来的|里的)|出自(?:哪|何)|出处)")
FIGURE_EACH = re.compile(FIGURE_GIVEN.pattern + r"[^。？?]{0,40}?(?:各|分别)(?:是|指|说的是|讲的是|指的是)?(?:啥|什么|哪个|哪些|哪项)"
                         r"(?:指标|目标)?(?=[\s，,。？?]|$)")
#: a claim only that a plan lists the asker ("听说某方案把我单位列入了"): what the plan says of a body or a list
#: the question then asks answers it; no requirement is asserted
SELF_LISTED = re.compile(r"(?:把|将)?(?:我们|咱们|我单位|我们单位|本单位|我司|我们公司|我们局|我们中心)(?:也|都)?"
                         r"(?:列进去|列进来|列进|列入|列上|写进去|写进|算进去|算进|点了名|点名)|"
                         r"(?:列|写|点)(?:了|进了)?(?:我们|咱们|我单位|我们单位|本单位)")
#: which of all the documents write something ("这几份方案里哪些提了这句", "所有文件里哪份有"): every document is searched
ALL_DOCUMENTS_ASKED = re.compile(r"(?:五|这几|这五|所有|全部)份(?:文件|方案)?(?:里|中|当中|里面)?[，,\s]*(?:到底|究竟)?(?:是)?"
                                 r"(?:哪几份|哪些|哪份|哪一份)[^？?\s，,。]{0,10}")
#: what is left of a tail that asks only whether the documents it names are among them ("甲和乙有没有", "重庆那份提了没")
#: once the names and the words around them (AMONG_THEM_FILLER) are taken out
AMONG_THEM_FILLER = re.compile(r"[和与跟及、]|那份|这份|的|方案|文件|里|中|也|呢|\s")
AMONG_THEM_TAIL = re.compile(r"^[？?，,。\s]*(?:有没有|有没|提了没|提没提|提没|写没写|写了没|有吗|提了吗|写了吗|也有吗|在不在|有)?"
                             r"(?:提到|写到|提|写)?[？?。]?$")
#: a statement about the asker after the question ("…有没有提到X？我们是做外贸的"): who is asking, not a part
POSTSCRIPT = re.compile(r"^(?:我们|我|咱们|本人|我司|我单位|我公司)(?!国)")
#: a word that makes a sentence ask something, other than the question mark (which a translation may add to a
#: statement)
ASKING_WORD = re.compile(r"多少|什么|哪|吗|呢|是否|如何|怎么|怎样|几|有没有|谁|能否|可否|行不行|算不算")
#: the request part of a preamble ("想问下", "请问"): what follows it in the same segment is content
REQUEST = re.compile(r"想(?:核实|确认|了解|问|查|请教)(?:一下|下)?|请问|咨询一下|问一下|问下|查一下|打听一下?")
#: a segment that asks something (a question word or a question mark)
QUESTION_CUE = re.compile(r"[？?]|多少|什么|哪|吗|是否|如何|怎么|怎样|几|有没有|谁|(?i:\b(?:what|which|how|who|when|is|are|does)\b)")
#: a question word that makes a segment a question of its own (not 吗/？, which end a sentence)
#: ("那几个项目建成以后": 那/这 + 几个 + a noun points at things named before; "说的是那几个" at the end asks)
STRONG_QUESTION = re.compile(r"什么|哪|多少|(?<![那这])几[个项家座台辆万]|[那这]几[个项家座台辆万](?![\u4e00-\u9fff])|谁|如何|"
                             r"怎么|怎样")
#: words that name no topic of their own ("雅安的目标" asks the same as the subject before it)
GENERIC_WORDS = re.compile(r"的|目标|指标|要求|方案|文件|里|中|上|方面|情况|规定|[，,\s]")
#: a question that starts by pointing back ("这个由哪个部门负责？") depends on the one before it
#: a place word that names no particular region ("哪个城市", "各地")
GENERIC_PLACES = frozenset({"城市", "地方", "地区", "全国", "国家", "农村", "城乡", "城镇", "乡村", "县城", "区县",
                            "市州", "各地", "当地", "本地", "外地", "省市", "三地", "两地", "县区", "各县区", "山区", "城区",
                            "老城区", "市区", "郊区", "景区", "园区", "社区", "辖区", "片区"})
#: a follow-up that points at the clause the previous answer cited ("这一条由谁牵头？", "该项措施由哪些部门牵头？")
CLAUSE_DEIXIS = re.compile(r"(?:这|该|此|上面那|上一)(?:一)?条|(?:这|该|此)(?:项|个)(?:措施|任务|工作|要求)")
#: "同一条里…": the clause the last answer cited, named as the same one rather than with a demonstrative
SAME_CLAUSE = re.compile(r"同一(?:个)?条(?:款)?|同一款|还是那一?条")
#: a clause cited in an answer or a conversation turn: 《title》 and its label ("《…方案》（十六）", "《…方案》三、（一）")
#: A title in 《》 or a clause label, "（十四）" / "三、", as an answer cites them (not words of what it says)
CITED_TITLE = re.compile(r"《[^《》]{2,60}》|（[一二三四五六七八九十]+）|[一二三四五六七八九十]+、")
CITED_CLAUSE = re.compile(r"《([^《》]{4,60})》\s*((?:[一二三四五六七八九十]+、)?（[一二三四五六七八九十]+）|[一二三四五六七八九十]+、|通知|序言)")
#: a question about the cover letter's own text ("那封印发函结尾怎么说", "通知正文讲了…"): the letter is read first
LETTER_REFERENCE = re.compile(r"(?:印发|转发)[^，,。？?]{0,12}?(?:的)?(?:通知|函)|(?:那|这|该)(?:份|个|封)(?:印发)?(?:通知|函)|"
                              r"(?:通知|函)(?:里|中|开头|正文|第[一二三四五]段|最后|结尾|末尾)")
#: a clause cited by its region's short name, as people quote an answer ("四川（二十一）：…", "雅安 三、（一）")
REGION_CITED_CLAUSE = re.compile(r"([\u4e00-\u9fff]{2,8}?)\s*((?:[一二三四五六七八九十]+、)?（[一二三四五六七八九十]+）)")
#: a question that asks only where the answer before it stands ("在哪条？", "出自第几条"): every answer cites
#: its clause, so it is no part of its own
WHERE_ONLY = re.compile(r"^(?:它|这|那|这个|那个)?(?:是|在|出自|见于|写在|来自)?(?:哪(?:一|个)?|第几)"
                        r"(?:条|款|项|部分|章|节|处|个条款|段)(?:里|中|上)?(?:呢|啊|吗)?[？?。]?$")
#: a question that only asks whether the document says what the question before it asks ("…要达到多少？方案有写吗？"):
#: no part of its own
SAID_ONLY = re.compile(r"^(?:那|这)?(?:方案|文件|规划|原文|上面|里面|这份|那份|文中)?(?:里|中|上)?(?:面)?(?:有没有|是否|有)?"
                       r"(?:写|说|提|规定|定|明确|给)(?:了|过|到|出)?(?:吗|么|没有|没)?[？?。]?$")
#: a question that asks more only if what the question before it asks whether the plan has is there ("…有没有X？
#: 有的话在哪条", "如果有，哪个条款？", "若有，让干什么")
CONDITIONAL_TAIL = re.compile(r"(?<=[？?，,。；;\s])(?:(?:如果|若是?|假如|要是|如)(?:有|提到了?|提了|写了)(?:的话)?|有的话)"
                              r"(?=[，,\s]|[在是哪让怎咋具要贴写说给])")
#: a question asked for the case that what the question before it asks whether the plan has is not there ("…有没有X？
#: 要是没有，哪几份提了"): a refusal of that question is the case it asks about
IF_NOT_THERE = re.compile(r"^(?:(?:如果|若是?|假如|要是|如)(?:没有|没|未)(?:提到?|写|提及)?(?:的话)?|没有的话)")
#: a question that asks only the value of what the question before it asks about ("…有没有定X的目标？到某年要达到
#: 多少？", "…定的是多少？是不是那个N%？"): no subject of its own, so no part of its own
VALUE_ONLY = re.compile(r"^(?:那|那么)?(?:具体)?(?:到|在)?(?:20\d\d\s*年)?(?:底|末|前|时)?(?:的)?(?:话)?(?:要|应|需要?|能|得)?"
                        r"(?:达到|降到|降至|降低|下降|提高到|提高|提升到|控制在|定的是|定在|定为|为|是|有)?"
                        r"(?:多少|几成|百分之几|多大|多高|几个百分点)(?:呢|啊|吧)?[？?。]?$|"
                        r"^(?:是不是|是否是?|就是)(?:那个|这个)?(?:\d+(?:\.\d+)?\s*(?:%|％|万|亿)?[^\s，,？?]{0,4})(?:吗|呢|啊|吧)?[？?。]?$")
#: the condition before a value asked only if the question before it finds it set ("…亮灯率有没有定数？定了的话要到多少"):
#: taken off before the value is read
CONDITIONAL_VALUE_HEAD = re.compile(r"^(?:如果|若是?|假如|要是)?(?:有|给|定|设|写|提|规定|明确)(?:了|过)?(?:的话|话)[，,\s]*")
ANAPHOR = re.compile(r"^(?:那么|那)?(?:这个|这些|这项|这一|这块|这部分|该|此|其|上述|以上|它|他们)")
#: a question that points back at the answer before it from inside ("资阳那份也是这几类吗")
ANAPHOR_INSIDE = re.compile(r"也是(?:这|那)|这几[个项条类种]|同样的")
#: words that ask for several parts at once ("分别", "各是", "哪个高")
#: (the pieces of "哪个方案定得更高" that the cues below share: what the sides are, how a figure is set, which way it ranks)
_SIDE_KIND, _SET_VERB, _RANK = r"(?:地方|地区|城市|省市|方案|目标|指标)?", r"[定设降提减增升压]得", r"(?:更|最)?(?:高|低|多|少|大|小)"
PARTS_CUE = re.compile(r"分别|各自|各是|各为|各要|各有|各提出|各(?=多少|几)|哪个" + _SIDE_KIND + r"(?:定得|设得)?" + _RANK
                       + r"|谁(?:定得)?(?:更)?(?:高|低|多|少|大|小)|"
                       r"相比|对比|比较|差了?多少|差了?几|相差|差距|(?:是不是|是否)(?:同一个|一样|相同)|一样吗|相同吗")
#: a verb of change between 各 and the how-much word ("各降多少", "各提高几个点"), or in "哪个降得多": each side's
#: figure is still asked (``each_verb``)
CHANGE_VERB = r"(?:降低|下降|减少|提高|提升|增加|增长|压减|降|减|增|升|提|压)"
PARTS_CUE_VERB = re.compile(r"各" + CHANGE_VERB + r"(?=多少|几)|哪个" + _SIDE_KIND + _SET_VERB + _RANK)
#: the question's last sentence asks each of two sides named before how it writes it ("…？两边各咋写的", "…分别怎么说的")
EACH_WRITES = re.compile(r"[，,？?\s]\s*(?:那)?(?:两边|两份(?:方案)?|两个方案|二者)?(?:分别|各自?)(?:是)?(?:咋|怎么|如何)(?:写|说|讲|表述|规定)"
                         r"(?:的)?[吗呢]?[？?。]?\s*$")
#: a side of such a question that asks whether it gives a figure ("B给没给数", "B有没有数")
ASKS_IF_FIGURE = re.compile(r"(?:给没给|给了没|有没有|有无|定没定)(?:具体)?(?:的)?(?:数字|数|量化目标|量化指标|指标)")
#: a side that states it gives a figure of something ("A给了泊位数", "A定了2025年的面积数")
STATES_FIGURE = re.compile(r"(?:给了|定了|给出了|写了)(?P<what>[^，,？?\s]{0,12}?(?:数|量|幅|率|比例|比重|目标|指标))$")
#: the words naming a plan in a question ("省里的减污降碳方案", "四川十四五节能减排方案城镇绿色节能那条" up to 方案)
PLAN_NAMED = re.compile(r"[^，,。；;？?！!\s]{0,16}?(?:方案|规划)")
#: a claim that relates two figures ("…是重庆的两倍还多", "…都在14%上下", "…比B高"), not a requirement of a plan
FIGURES_RELATED = re.compile(r"[一两二三四五六七八九十几\d]+倍|(?:都|均)在[^，,。？?]{1,12}(?:上下|左右)|差不多|一样|相同|"
                             r"比[\u4e00-\u9fff]{1,12}(?:高|低|多|少)")
#: a question that asks each side's figure ("各定的是多少", "分别是多少", "各是多少")
EACH_FIGURE = re.compile(r"(?:各|分别)[\u4e00-\u9fff]{0,6}?(?:多少|几)")
#: a question about two named sides that asks of each ("各怎么说", "两边", "都有…吗", "哪个有", "谁给了")
SIDES_CUE = re.compile(r"分别|各|两边|两地|两份|两个方案|都|谁|哪个|哪份|一样")
#: "哪个/谁" asking which side has something: asked of one side, whether it has it
SIDE_WHICH = re.compile(r"(?:谁|哪个|哪份|哪一个)(?=给了|给出|有|提了|提出|定了|规定|写了)")
#: words about both sides at once, dropped from a one-side part
SIDES_WORDS = re.compile(r"两边|两地|两份|两个方案|(?<=[方案的？?\s])各(?=[\u4e00-\u9fff])|都(?=有|给|提|定|写)")
#: a comparison's "is it the same" sub-question, which no single side answers ("是不是同一个口径？")
SAMENESS_ASK = re.compile(r"(?:用的|采用的)?(?:是不是|是否|是)?(?:同一个?|一样|相同|一致)[^，,。？?]{0,6}?(?:吗|么|没有)?"
                          r"[？?]\s*(?=\S)")
#: "…是80万辆，那绵阳的呢": the question ends by asking of the place named here
CONTRAST_TAIL = re.compile(r"(?:那|那么|换成|至于)\s*([\u4e00-\u9fff]{2,8}?)(?:的|那边|这边)?(?:呢|怎么样|如何|咋样)[？?]?\s*$")
#: "…有什么要求？和重庆相比呢": the question before it, asked again of the region named here
VERSUS_TAIL = re.compile(r"[，,？?。]\s*(?:那)?(?:跟|和|与|同)([^，,？?。]{1,8}?)(?:相?比|比较|对比)(?:一下)?(?:呢|如何|怎么样|有什么不同)?[？?]?$")
#: words between two listed regions that do not stop them being listed side by side ("雅安的提法和省里")
LISTED_FILLER = re.compile(r"提法|说法|做法|要求|规定|目标")
#: "一个是X，一个是Y，各是多少": two sides described one after the other, then what is asked of each
DESCRIBED_SIDES = re.compile(r"(?:一个|一项|一条|一份)(?:讲的是|说的是|指的是|给了|写了|定了|讲|说|指|是)\s*(?P<a>[^，,；;？?\s]{3,40})[，,；;\s]+"
                             r"(?:另)?(?:一个|一项|一条|一份)(?:讲的是|说的是|指的是|给了|写了|定了|讲|说|指|是)\s*(?P<b>[^，,；;？?\s]{3,40})"
                             r"(?:[，,；;？?\s]+(?P<ask>.*))?$")
#: "哪个降得多", "谁定得更高": which side is higher, asked of neither side alone
WHICH_MORE = re.compile(r"(?:哪个|哪一个|哪项|谁)[^，,；;？?]{0,4}?(?:更|最)?(?:高|低|多|少|大|小|快|慢)")
#: a sentence after the question that only compares what it asked ("二者相差多少？", "比市里严还是松？", "哪个更快？"):
#: each part answers its own side, so it is no part (nor part of a part) of its own
COMPARISON_ONLY = re.compile(r"(?:那|这)?(?:两个|两者|二者|它们|两边|两地)?(?:比[^，,。？?]{0,6}?)?"
                             r"(?:(?:哪个|哪一个|谁)[^，,；;？?]{0,6}?(?:更|最)?(?:高|低|多|少|大|小|快|慢|严)|"
                             r"(?:高|低|多|少|大|小|严|松)还是(?:高|低|多|少|大|小|严|松)|(?:相)?差了?(?:多少|几)(?:个百分点)?|"
                             r"差距(?:有)?多大|(?:是不是|是否)?(?:一样|相同)|一样吗|相同吗)(?:呢|吗|啊)?[？?。]?")
#: a sentence after the question that only asks whether the answers are set on the same footing ("统计口径一致吗",
#: "说法一致吗"): a comparison of what was asked, no part of its own
ASPECT_COMPARED = re.compile(r"(?:时间|统计|指标)?(?:口径|说法|提法|写法|表述|措辞|基准|基期|基准年)(?:上)?(?:是不是|是否)?"
                             r"(?:一样|相同|一致)(?:不|吗|么|没|没有)?(?:呢|啊)?[？?。]?")
#: a sentence after the question that only orders what it asked, or compares its answers by their place
#: ("按从低到高排个序", "由大到小排列", "第二个比第一个低几个点", "后者是前者的几倍")
RANKED_ONLY = re.compile(r"(?:再|然后|顺便)?(?:(?:帮我|给我)?(?:从|由|按)(?:高到低|低到高|大到小|小到大|高低|大小)(?:排|排列|排序)?"
                         r"(?:一下|个序|下序|一下序)?|排(?:个|一下)?序)(?:呢|吧|啊)?[？?。]?|"
                         r"(?:那|这)?(?:后一个|前一个|后面那个|前面那个|后者|前者|第[一二三]个)"
                         r"(?:比|是|较)(?:后一个|前一个|后面那个|前面那个|后者|前者|第[一二三]个)(?:的)?"
                         r"(?:高|低|多|少|大|小)?了?(?:多少|几)(?:个百分点|倍|个点)?(?:呢|吗|啊)?[？?。]?")
#: a request to compare what follows, at the end of the words before a list of questions ("…对照比较一下")
COMPARE_REQUEST = re.compile(r"(?:(?:这)?[两三四五](?:份|个)(?:方案|文件))?(?:放一起|放在一起|一起|对照)?"
                             r"(?:比|对|对比|比较)(?:一下|下)?$")
#: words of a multi-part question that no single part keeps ("分别", "各是", "相比")
PARTS_WORDS = re.compile(r"分别|各自|各(?=[是为要有提定])|相比|对比|比较")
#: what a comparison asks, turned into what each part asks ("哪个更高" → "是多少")
COMPARE_ASK = re.compile(r"(?:哪个|谁)" + _SIDE_KIND + r"(?:" + _SET_VERB + r")?" + _RANK + r"|(?:相)?差了?(?:多少|几)(?:个百分点)?|差距(?:有)?多大|"
                         r"(?:是不是|是否)(?:同一个数|同一个|一样|相同)|一样吗|相同吗")
#: a comparison that asks whether two things are the same (not which is higher)
SAMENESS = re.compile(r"一样|相同|同一个")
#: words that make a sameness comparison one of figures ("是同一个数吗", "比例一样吗")
ASKS_NUMBER_WORD = re.compile(r"数|多少|比例|比重|[率%]|幅度|降幅|增幅")
#: a question that compares (the composed answer then adds a comparison line)
COMPARES = re.compile(COMPARE_ASK.pattern + r"|相比|对比|比较|高多少|低多少|多多少|少多少")
#: "A的X比B高多少": after the second region, how the two are compared
THAN_ASK = re.compile(r"^(?:的|方案)?(?:目标)?(?:要)?(?:高|低|多|少|大|小)(?:了)?(?:多少|几)")
#: a comparison that asks for the difference itself ("高多少个百分点", "差几个百分点")
COMPARISON_GAP_ASKED = re.compile(r"差(?:多少|几)|(?:高|低|多|少)(?:了)?(?:多少|几)|差距(?:有)?多(?:大|少)")
#: "两方面" / "两者": the count of the listed items, dropped from each part
PARTS_COUNT = re.compile(r"(?:这)?(?:两|二|三)(?:个)?(?:方面|者|项|地|市|个|省市|省)|二者|两者")
#: a connector inside a body's name ("市经济和信息化局", "住房和城乡建设厅") does not list two items
BODY_NAME_AFTER = re.compile(r"^[^，,。；;？?\s和与]{0,8}?(?:局|厅|委|办|委员会|管委会)")
#: connectors between the listed items of a multi-part question
CONNECTOR = r"(?:和|与|及|以及|、|跟|同|，|,|还有)"
#: the document a question names after its region ("四川省减污降碳协同增效行动方案", "雅安的方案")
DOCUMENT_NAME = re.compile(r"^[^，,。？?！!]{0,20}?(?:方案|规划|通知|意见|办法|文件)")
#: how binding a requirement is: a premise that says "must / all / ban" is not stated by a sentence that only
#: encourages, pilots or phases in ("鼓励有条件的企业…" does not require every enterprise)
STRONG_MODAL = re.compile(r"必须|全部|一律|所有|强制|禁止|严禁|不得|一刀切|全都|都要|统统")
SOFT_MODAL = re.compile(r"鼓励|引导|支持|推动|推进|探索|有序|逐步|稳妥|因地制宜|试点|积极|有条件|具备条件|力争")
#: a which-document question that asks for a figure ("哪个文件定了X的量化指标", "…给了具体数字")
WHICH_DOC_FIGURE = re.compile(r"具体(?:目标|数字|数值|指标|规模|数)|给(?:了|出)?(?:个)?数|量化(?:目标|指标)?|目标值|数字|多少|比例")
#: a figure asked of each of several listed items ("私家车、网约车、环卫车各占多少")
LISTED_ASK = re.compile(r"((?:[\u4e00-\u9fffA-Za-z0-9]{2,8}[、/]){1,6}[\u4e00-\u9fffA-Za-z0-9]{2,8})(?:各|分别)")
#: a claim that a requirement holds everywhere ("全市禁止新建", "所有园区都要")
UNIVERSAL = re.compile(r"全市|全省|全区|全县|全域|全面|全部|所有|一律|一刀切|统统|凡是")
#: a sentence that restricts where or to what its requirement applies ("禁止在城市建成区外新建", "不符合…的项目")
RESTRICTED = re.compile(r"在[^，,。；;]{1,12}?(?:外|以外|之外|范围内|以内)|不符合|未达到|达不到|[^，,。；;]{1,8}以[上下]的")
#: a statement the question makes as settled fact ("重庆已经全市禁止X了，那…")
SETTLED = re.compile(r"已(?:经)?[^，,。？?]{2,}了$")
#: a requirement that forbids or refuses ("一律不得开工", "不得新建", "不予审批"): a premise with one is not stated by a
#: sentence that forbids nothing
BAN = re.compile(r"一律不|不得|不予|不准|不许|禁止|严禁|不能再|不再(?:审批|批|新建|建)|不批")
#: words that negate the requirement after them ("不纳入", "不得新建", "禁止新建", "不再审批")
NEGATION = re.compile(r"不得|不再|不予|无需|不必|禁止|严禁|不(?![断低高少超仅只但过同足])(?=[\u4e00-\u9fff])")
#: words that say "the province" without naming it ("省里管哪些行业"): they select every province-level
#: document, and are a region of their own in a part of a comparison
PROVINCE_WORDS = ("全省", "省级", "省里", "省上", "本省", "省政府", "省委")
PROVINCE_WORD = re.compile("|".join(PROVINCE_WORDS))
#: "省" standing for the province before a plan's name ("省减污降碳方案", "省“十四五”节能减排方案"), not inside a
#: region's name ("四川省…") nor a word ("节省")
PROVINCE_PLAN = re.compile(r"(?:^|(?<=[^\u4e00-\u9fff])|(?<=[的在和与跟看问查里对按照据]))省(?=[\u4e00-\u9fff“”\"]{0,14}?(?:方案|规划|文件))")
#: an attribution standing alone before a statement: "按照某方案，…" / "根据省里的文件，…"
PREMISE_SOURCE = re.compile(r"(?:按照|根据|依照|依据|按)[\u4e00-\u9fff“”\"]{0,16}(?:方案|文件|规定|要求|政策)(?:的?要求|的?规定)?")
#: a document named by its number, as people refer to it ("川照〔2023〕9号那份函", "某办发〔2022〕17号文")
DOCUMENT_NUMBER_REF = re.compile(r"[\u4e00-\u9fff]{1,8}[〔\[［(（]\d{4}[〕\]］)）]\d+号(?:那份|这份|的)?(?:函|通知|文件|文|方案)?")
#: a later question's pointer back at the document the first one named ("这份函…", "该文件…")
DOCUMENT_DEICTIC = re.compile(r"^(?:这份|那份|该|此)(?:函|通知|文件|方案)(?:里|中)?")
#: the cover letter of the document the first of several questions names ("X方案那份印发通知，", "X方案的函"): the later
#: questions are asked of it too ("哪天签发的" of the letter, not of the plan)
PART_LETTER = re.compile(r"(?:那份|这份|那个|这个|的)?(?:印发)?(?:通知|函)")
#: the part of a document the first of several questions names before its comma ("的路灯改造工程里，")
PART_LOCATIVE = re.compile(r"的?[\u4e00-\u9fff“”「」]{2,20}?(?:里|中|方面|部分)[，,]")
#: the clause of a document the first of several questions names before its colon or comma ("，X的条款：",
#: " X那条，", "X条款（它的标题）："): the later questions are asked of it too
PART_CLAUSE = re.compile(r"[，,\s]*的?[\u4e00-\u9fff“”「」]{2,20}?(?:的条款|条款|那条|这条|那一条|这一条)"
                         r"(?:[（(][\u4e00-\u9fff“”、]{2,30}[）)])?[：:，,]")
#: items listed right before 分别/各 ("A、B、C分别是多少"): the listing is group 1
EACH_ASKED = re.compile(r"([^，,：:。？?\s]+)(?:分别|各自|各(?=是|为|要|定|多少|几))")
#: the same with a space or comma before 分别/各 and the verb right after 各 ("A、B、C 各降多少", "A、B，各提高几个点")
EACH_ASKED_SPACED = re.compile(r"([^，,：:。？?\s]+)[，,\s]*(?:分别|各自|各(?=是|为|要|定|多少|几|降|提|增|减|达))")
#: items listed with spaces after a colon, right before 分别/各 ("某方案三个比例：A B C 分别多少"): the listing is group 1
EACH_ASKED_SPACED_ITEMS = re.compile(r"[：:]\s*((?:[\u4e00-\u9fff“”]{3,20}\s+){1,5}[\u4e00-\u9fff“”]{3,20})\s*"
                                     r"(?:分别|各自|各(?=是|为|要|定|多少|几|降|提|增|减|达))")
#: a segment that asks (so it is not a statement the question asserts)
QUESTION_WORD = re.compile(r"[？?]|什么|哪|多少|是否|吗|有没有|如何|怎么")
#: a statement the question asserts with an opener ("既然某方案把X纳入省级考核，…", "听说…"): what follows
#: the opener (and the document it names, and the verb) is the premise
PREMISE_OPENER = re.compile(r"^(?:既然|听说|据说|我听说|都说)(?:[\u4e00-\u9fff“”]{0,16}?(?:方案|文件|规定)(?:里|中)?)?"
                            r"(?:已经|都)?(?:把|将|要求|规定|提出|明确|说)?了?")
#: a claim only that a plan addresses a topic ("听说某方案对夜市照明有要求"): it asserts no requirement to check, and the
#: question after it asks what the requirement is
TOPIC_CLAIM = re.compile(r"(?:对|关于|在)?[^，,。？?]{1,16}?(?:方面|这块|上)?(?:有|提了|提出了?|作了|做了)(?:明确|具体|相关|一些|专门的?)?"
                         r"(?:的)?(?:要求|规定|部署|安排|说法|措施)(?:的)?$")
#: the name of a government department ("市林业局", "省发展改革委", "生态环境厅")
DEPARTMENT_NAME = re.compile(r"(?:局|委|厅|办|委员会|办公室)$")
#: a statement of who leads something ("…治理是市城管局牵头的", "…是X牵头负责的"): a premise about the lead body
LEAD_CLAIM = re.compile(r"(?:是|由)([\u4e00-\u9fff]{2,14}?)(?:来)?牵头(?:负责)?的?$")
#: a premise that puts someone in charge ("由X对辖区工作负总责", "X为第一责任人"): the holder and the role
ROLE_CLAIM = re.compile(r"([\u4e00-\u9fff]{2,14}?(?:部门|局|委|厅|办|政府|同志|领导|局长|厅长|主任|书记|单位|机构|中心))"
                        r"(?:对[^，,、；;。]{0,24}?)?(?:负总责|总负责|(?:是|为)第一责任人)")
#: the role of a ROLE_CLAIM, as a sentence that gives it to someone else writes it
ROLE_WORDS = {"负总责": "负总责", "总负责": "负总责", "第一责任人": "第一责任人"}
#: a premise that has someone lead or act on its own ("由区里牵头开展X") is not stated by a sentence that has
#: it only assist ("配合上级开展X")
LEADS_ON_OWN = re.compile(r"牵头|主导|自行|自己|独立|自主")
ASSISTS = re.compile(r"配合|协助")
#: what a how-much question asks the figure of when it names it after the figure's unit ("新增多少万盏/年的夜市
#: 路灯", "建成多少公里的X", "多少盏的X"): the words after 的
SUBJECT_AFTER_UNIT = re.compile(r"^(?:万|亿|千)?(?:" + UNIT + r"|[\u4e00-\u9fff])?(?:/[日年天]|每[日年天])?的"
                                r"(?P<what>[\u4e00-\u9fffA-Za-z]{2,})")
#: how a figure changes, with the adverbs before it ("累计降", "每年要提高", "一共新增"): no item of its own
CHANGE_WORDS = re.compile(r"累计|一共|总共|共|每年|年均|平均|要|得|需要|还|再|下降|降低|降|提高|提升|提|增加|新增|增|减少|减|达到|到|控制在|控制|削减|压减")
#: years offered as alternatives ("是2025年的目标还是2030年的"): the question asks which one
CHOICE_OF_YEARS = re.compile(r"20\d\d年?[^，,。？?]{0,12}?(?:" + ALTERNATIVES.pattern + r")[^，,。？?]{0,6}?20\d\d")
YEAR_DIGITS = re.compile(r"20\d\d")
#: the words before a base year ("比2020年", "较2020年", "以2020年为基数")
BASE_YEAR = re.compile(r"(?:比|较|相比|相对于?|以|基于)$")
#: a rate or share a how-much question names ("路灯节能率", "光伏发电占比"): the words before the
#: rate word, and the rate word; a figure answers it only where its own segment names that rate
RATE_TERM = re.compile(r"([\u4e00-\u9fff]{1,12}?)(率|比重|占比|比例|份额)")
#: words that lead a rate term's run of characters but are not part of its name ("到2025年非化石…" → 非化石…)
RATE_LEAD = re.compile(r"^(?:到|年|要|方案|里|中|将|把|让|的)+")
#: a share named in other words ("占比" for 比重): any of them names a share-kind rate
SHARE_WORD = re.compile(r"比重|占比|比例|份额|占")
#: a question for a yearly figure ("每年要降多少", "年均", "分年度的数"), and a sentence that gives one
ASKS_ANNUAL = re.compile(r"每年|年均|每一年|逐年|分年度|年度(?:的)?(?:降幅|目标|任务|数)|当年")
#: "是逐年递减还是五年累计": a choice between a yearly figure and another; the question does not ask for a yearly one
ANNUAL_CHOICE = re.compile(r"(?:每年|年均|逐年|每一年)[^？?。，,\s]{0,8}还是|还是[^？?。，,\s]{0,8}(?:每年|年均|逐年|每一年)")
ANNUAL_FIGURE = re.compile(r"每年|年均|年度|逐年|每一年|年平均")
#: administrative levels: a premise at one level is not stated by a sentence at another ("省级考核" / "市级考核")
LEVEL = re.compile(r"国家级|省级|市级|县级|区级|省、市、县|市、县")
#: the standard a target is measured against ("达到国内先进水平" is not "达到国际领先水平")
BENCHMARK_LEVEL = re.compile(r"(?:国际|国内|全国|全省|全市|行业|同行业)(?:领先|先进|一流)")
#: a premise the question asserts before asking ("方案要求全部关停X，名单怎么定的？")
#: a plan said to do something ("某方案要在X开展Y", "省里方案规定X"): before a question beginning with 那, what
#: follows is asserted (the document's name, then what it is said to do)
PLAN_STATES = re.compile(r"^[^，,。？?]{0,20}?(?:方案|文件|规划)(?:里|中|上)?(?:已经|都)?(?:要求|规定|明确|提出|说|要|将|会|把|定了)了?")
#: a plan's name and a verb that makes what follows a requirement or a ban the plan states ("某方案禁止X了 …")
PLAN_CLAIMS = re.compile(r"^[^，,。？?]{0,20}?(?:方案|文件|规划)(?:里|中|上)?((?:已经|都)?(?:明确)?(?:要求|规定|禁止|禁用|强制|叫停|取消))")
#: a plan's name and what it is said to do at a place ("某方案要在甲县新建X", "某方案点名在甲县开展X"): as asserted as a
#: requirement ("要装多少" is a question, and a question word keeps the segment from being a claim)
PLAN_ACTS = re.compile(r"^[^，,。？?]{0,20}?(?:方案|文件|规划)(?:里|中|上)?((?:已经|都)?(?:要在|点名(?:要|在)|点名要在))")
#: a plan's name (and a clause of it) and where it is said to put something ("某方案路灯那条把甲县列为示范县"): group 1
#: starts the claim (the 把 phrase to the end of the segment)
PLAN_PLACES = re.compile(r"^[^，,。？?]{0,20}?(?:方案|文件|规划)(?:[^，,。？?把将]{0,10}?(?:那条|这条|条款|部分))?(?:里|中|上)?"
                         r"(?:已经|都)?((?:把|将)[^，,。？?]{2,20}?(?:放进|放在|放到|列为|列入|定为|纳入|划入|划为|确定为|写进))")
#: a first sentence that names a plan and ends in 。 before the question ("某方案设置了X体系。…"): group 1 is the
#: sentence, group 2 what it says the plan does (after the plan's name)
STATED_SENTENCE = re.compile(r"^([^。？?！!]{0,24}?(?:方案|文件|规划)(?:里|中|上)?([^。？?！!]{6,}))。(?=.*[？?])")
PREMISE_VERB = re.compile(r"(?:方案|文件|规定|政策|省里|市里|上面)?(?:要求|规定|明确|提出|说)(?:了)?|"
                          r"(?:方案|文件|政策)(?:里|中)?(?:定的|定了|确定的|写的|写了)")
#: what a letter or a plan is said to have written on it ("印发通知上写着X", "通知里载明X"): X is asserted
WRITTEN_CLAIM = re.compile(r"(?:上|里|中)(?:写着|写明了?|载明了?|写有)")

# --------------------------------------------------------------------------- phrasing, not content
#: Characters of question and answer phrasing (要, 达到, 目标是, 降到…), not of the terms asked about.
FUNCTION_CHARS = frozenset("要是的了到至在为将与和及等以其目标多少达降提高上下内外左右各分别中里有由对把被会能可该这那年")
#: Question phrasing removed before measuring how much of a question a sentence covers.
QUESTION_NOISE = re.compile(r"有没有|有无|数量|具体|数字|数值|量化|相差|差几个点|多少|要|达到|降到|降至|提高到|提升到|目标|是|的|到|年|什么|哪些|怎么|如何|规定|方案|文件|计划|"
                            r"要求|分别|以上|以下|左右|百分之|\d+|[，。？！?、：:“”\"《》（）()\s]")
