"""Names and prose for generated reports: places, bodies, sentences.

Plain data plus a few small pickers. The prose is filler of the kind real
reports print (a body's account of its year); it carries no numbers the record
reads, and none of its lines may look like a section heading (checked at
import).
"""

from __future__ import annotations

import random

from nianbao.template import section_of_heading

CITIES: tuple[str, ...] = (
    "天津市", "淄博市", "巴彦淖尔市", "塔城地区", "濮阳市", "宿迁市", "绍兴市", "赣州市", "遵义市", "南充市",
    "岳阳市", "襄阳市", "潍坊市", "保定市", "包头市", "大理白族自治州", "玉林市", "天水市", "鞍山市", "吉林市",
    "牡丹江市", "芜湖市", "泉州市", "九江市", "洛阳市", "株洲市", "江门市", "柳州市", "三亚市", "绵阳市",
    "曲靖市", "咸阳市", "西宁市", "银川市", "克拉玛依市", "上海市", "北京市", "重庆市",
)
DISTRICTS: tuple[str, ...] = (
    "东丽区", "华龙区", "张店区", "临淄区", "沭阳县", "越城区", "章贡区", "红花岗区", "顺庆区", "岳阳楼区",
    "樊城区", "奎文区", "莲池区", "昆都仑区", "大理市", "玉州区", "秦州区", "铁东区", "船营区", "东安区",
    "镜湖区", "鲤城区", "濂溪区", "涧西区", "荷塘区", "蓬江区", "城中区", "吉阳区", "涪城区", "麒麟区",
    "秦都区", "城东区", "兴庆区", "独山子区", "浦东新区", "海淀区", "渝中区", "长兴县", "平潭综合实验区",
)
BUREAUS: tuple[str, ...] = (
    "工业和信息化局", "工信局", "教育局", "财政局", "自然资源和规划局", "生态环境局", "住房和城乡建设局",
    "交通运输局", "水务局", "农业农村局", "商务局", "文化和旅游局", "卫生健康委员会", "退役军人事务局",
    "应急管理局", "审计局", "市场监督管理局", "统计局", "医疗保障局", "民政局", "司法局",
    "人力资源和社会保障局", "林业局", "发展和改革委员会", "发展和改革局", "科学技术局", "体育局",
    "人民政府办公室", "人民政府", "城市管理综合行政执法局", "行政审批局", "数据资源管理局", "档案馆",
)
TOWNS: tuple[str, ...] = ("城关镇", "新华街道", "花园乡", "南湖街道", "李庄镇")


def agency(rng: random.Random) -> str:
    """A government body: place (city, district or both) plus bureau, sometimes a town government."""
    roll = rng.random()
    if roll < 0.05:
        return f"{rng.choice(DISTRICTS)}{rng.choice(TOWNS)}{'人民政府' if rng.random() < 0.6 else '办事处'}"
    if roll < 0.45:
        place = rng.choice(CITIES)
    elif roll < 0.80:
        place = rng.choice(CITIES) + rng.choice(DISTRICTS)
    else:
        place = rng.choice(DISTRICTS)
    return place + rng.choice(BUREAUS)


# ---- Prose -----------------------------------------------------------------

OVERVIEW_INTROS: tuple[str, ...] = (
    "{year}年，{agency}认真贯彻落实《中华人民共和国政府信息公开条例》，坚持以公开为常态、不公开为例外，"
    "扎实推进政府信息公开工作，切实保障人民群众的知情权、参与权和监督权。",
    "{year}年以来，{agency}在上级部门的正确领导下，按照公开、公正、便民的要求，进一步完善工作机制，"
    "不断拓展公开内容，提高政府工作透明度。",
    "根据《中华人民共和国政府信息公开条例》要求，现向社会公布{agency}{year}年度政府信息公开工作情况。"
    "本报告所列数据的统计期限自{year}年1月1日起至{year}年12月31日止。",
)
OVERVIEW_ITEMS: tuple[tuple[str, str], ...] = (
    ("主动公开情况", "通过门户网站及政务新媒体主动公开各类信息{n}条，其中工作动态{m}条，"
     "政策文件及解读信息若干条，做到应公开尽公开。"),
    ("依申请公开情况", "进一步规范依申请公开受理、审查、答复流程，严格按照法定时限答复，"
     "答复文书格式规范、告知权利救济渠道清楚。"),
    ("政府信息管理情况", "严格落实“先审查、后公开”和“一事一审”制度，对拟公开的政府信息进行保密审查，"
     "全年未发生泄密事件。"),
    ("政府信息公开平台建设情况", "加强门户网站栏目维护，及时更新信息公开目录和公开指南，"
     "运维政务微信公众号一个，全年发布信息{m}条。"),
    ("监督保障情况", "将政府信息公开工作纳入年度目标考核，明确专人负责，定期开展自查，"
     "本年度未发生因政府信息公开工作引起的责任追究情况。"),
    ("加强组织领导", "成立由主要负责同志任组长的政务公开工作领导小组，办公室负责日常工作，"
     "形成主要领导亲自抓、分管领导具体抓、责任科室抓落实的工作机制。"),
)
PROBLEMS: tuple[str, ...] = (
    "{year}年，我单位政府信息公开工作取得了一定成效，但也存在一些不足：一是信息公开的及时性有待提高；"
    "二是政策解读形式还不够丰富。",
    "下一步，我们将进一步加强业务学习，提升工作人员能力水平，完善信息发布审核机制，"
    "推动政府信息公开工作规范化、标准化。",
    "主要问题是政务公开工作人员多为兼职，专业化水平不高。改进措施：加强培训，"
    "健全制度，强化考核，持续提升公开质量。",
    "对照上级要求，政务公开栏目内容更新不够及时，部分信息发布不够规范。我们将对栏目进行全面梳理，"
    "建立定期检查机制，确保信息准确、及时、完整。",
)
OTHER: tuple[str, ...] = (
    "无。",
    "无",
    "本机关{year}年度未收取信息处理费。",
    "根据《政府信息公开信息处理费管理办法》，本机关{year}年度未发生收取信息处理费的情况。",
    "本年度无其他需要报告的事项。",
)


def overview(rng: random.Random, agency_name: str, year: int) -> list[str]:
    """Paragraphs of section 一: an introduction and three to five numbered items."""
    paras = [rng.choice(OVERVIEW_INTROS).format(agency=agency_name, year=year)]
    items = rng.sample(OVERVIEW_ITEMS, rng.randint(2, 5))
    inline = rng.random() < 0.4
    for n, (head, body) in enumerate(items, 1):
        text = body.format(n=rng.randint(20, 900), m=rng.randint(5, 300))
        numbered = f"（{'一二三四五六'[n - 1]}）{head}"
        paras.extend([f"{numbered}。{text}"] if inline else [numbered, text])
    return paras


def problems(rng: random.Random, year: int) -> list[str]:
    """Paragraphs of section 五."""
    return [p.format(year=year) for p in rng.sample(PROBLEMS, rng.randint(1, 3))]


def other(rng: random.Random, year: int) -> list[str]:
    """Paragraphs of section 六."""
    return [rng.choice(OTHER).format(year=year)]


def _validate() -> None:
    lines = [*OVERVIEW_INTROS, *PROBLEMS, *OTHER, *(h for h, _ in OVERVIEW_ITEMS), *(b for _, b in OVERVIEW_ITEMS)]
    for line in lines:
        if section_of_heading(line) is not None:
            raise ValueError(f"synth prose: {line!r} reads as a section heading")


_validate()
