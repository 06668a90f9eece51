"""Words the demo centre speaks: names, places, categories, comments and remarks.

Plain constants, so the generators stay about numbers and the texts can be
read (and corrected by a native speaker) in one place.
"""

from __future__ import annotations

SURNAMES = (
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡"
    "余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯"
    "龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤"
)  # fmt: skip
GIVEN = (
    "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玲红玉兰飞鹏辉鑫宇浩婷雪琳晨欣怡佳慧颖倩蕾"
    "思雨梦琪子涵欣然雨桐可馨诗晗嘉懿俊豪梓轩浩然博文志强建国海燕春梅秋菊冬雪晓东晓燕文静"
)

# Sites (职场): the first two are the default demo's; large centres add more.
SITES = ("武汉", "成都", "西安", "合肥", "长沙", "郑州", "南昌", "重庆", "济南", "沈阳")

CN_DIGITS = "零一二三四五六七八九"


def cn_number(n: int) -> str:
    """Chinese numeral for 1–99 (team names 一组 … 十二组); larger numbers stay Arabic."""
    if not 1 <= n <= 99:
        return str(n)
    tens, ones = divmod(n, 10)
    if tens == 0:
        return CN_DIGITS[ones]
    prefix = "" if tens == 1 else CN_DIGITS[tens]
    return prefix + "十" + (CN_DIGITS[ones] if ones else "")


# Contact categories with the channel-independent shape of their work.
CATEGORIES = ("查件", "催件", "改址", "寄件", "理赔", "投诉")
CATEGORY_SHARE = (0.35, 0.22, 0.12, 0.12, 0.09, 0.10)
# Mean talk seconds on the phone; chat takes longer, e-mail is composing time.
CATEGORY_TALK = (110.0, 170.0, 210.0, 150.0, 380.0, 420.0)
# How hard a category is to settle at first contact (base repeat probability).
CATEGORY_REPEAT = (0.06, 0.16, 0.09, 0.04, 0.18, 0.20)
# Share of contacts of each category that open a ticket, and its SLA in hours.
CATEGORY_TICKET = (0.01, 0.04, 0.15, 0.02, 0.50, 0.30)
CATEGORY_SLA_HOURS = (24, 24, 12, 24, 72, 48)
# Satisfaction penalty of the category (a claim or a complaint starts unhappy).
CATEGORY_MOOD = (0.0, 0.3, 0.1, 0.0, 0.4, 0.7)

CHANNELS = ("phone", "chat", "email")
CHANNEL_SHARE = (0.60, 0.32, 0.08)
CHANNEL_ZH = {"phone": "电话", "chat": "在线", "email": "邮件"}

WAYBILL_PREFIXES = ("SF", "YT", "ZT", "JT", "YD", "JD")

SURVEY_COMMENTS = {
    "positive": (
        "客服态度很好，耐心解答", "问题很快就解决了，谢谢", "小姐姐声音好听，服务专业",
        "帮我改了地址，非常及时", "理赔处理得很快，满意", "讲解清楚，点赞", "一次就解决了，效率高",
        "服务热情周到", "很有耐心，给五星", "回复及时，专业",
    ),
    "neutral": (
        "还行吧", "一般，等了挺久才接通", "问题解决了，就是流程有点慢", "态度可以，效率一般",
        "希望快递能早点到",
    ),
    "negative": (
        "等了半天没人接，太差了", "问题根本没解决，一直推脱", "态度敷衍，很不满意",
        "说好回电结果没有回", "转了好几次还是没人管", "客服答非所问，差评", "理赔拖了这么久，失望",
        "挂我电话，服务太差", "信息说错了，害我白跑一趟",
    ),
}  # fmt: skip

QA_REMARKS = {
    "good": ("开场白规范，核实信息完整", "安抚到位，解决方案清晰", "流程规范，表达清楚", ""),
    "weak": ("未核实收件人信息", "结束语缺失", "语速过快，未确认客户需求", "未主动告知时效"),
    "fatal": ("泄露客户隐私信息", "辱骂客户", "私自承诺赔付金额"),
}

ERROR_KINDS = (
    "地址录入错误", "工单派发错误", "改址操作错误", "理赔金额录错", "运单号录错", "错误拦截件",
)  # fmt: skip
ERROR_FOUND_BY = ("质检", "系统稽核", "网点反馈", "客户反馈")

PRAISE_CHANNELS = ("锦旗", "表扬信", "来电", "评价")
PRAISE_SHARE = (0.05, 0.15, 0.40, 0.40)
PRAISE_NOTES = (
    "客户来电点名表扬，帮其找回丢失包裹", "客户送来锦旗：服务一流 情暖人心",
    "耐心处理理赔，客户写信致谢", "高峰期加班处理积压工单，客户表扬", "评价中点名表扬服务热情",
)  # fmt: skip

TRAINING_TITLES = {
    1: ("新年服务规范复训", "春节物流政策"),
    2: ("春节后复工培训", "投诉处理技巧"),
    3: ("理赔政策更新", "服务规范复训"),
    4: ("改址流程培训", "情绪安抚技巧"),
    5: ("618预案培训", "系统操作培训"),
    6: ("618高峰期应对", "服务规范复训"),
    7: ("暑期业务培训", "信息安全培训"),
    8: ("投诉处理技巧", "改址流程培训"),
    9: ("服务规范复训", "理赔政策更新"),
    10: ("双十一预案培训", "改址流程培训"),
    11: ("高峰期情绪安抚", "投诉处理技巧"),
    12: ("年终服务规范考核", "信息安全培训"),
}
ELECTIVE_TITLE = "沟通技巧选修课"
ONBOARDING_TITLE = "新员工入职培训"

IMPROVEMENT_ITEMS = (
    "通话开场白与结束语按规范执行", "每周复盘两通低分录音", "熟悉改址操作流程并通过抽考",
    "理赔政策学习并完成测验", "控制平均通话时长在目标区间", "减少重复来电：结束前确认问题已解决",
    "工单在时限内办结", "参加投诉处理技巧培训",
)  # fmt: skip
