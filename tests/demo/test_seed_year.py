"""The demo's closed programme year tells the seed article's 2024 faithfully, one year on
(2025), read through the JSON API as any client would: new builds and early starts, the
reviewed target revisions, the two expressways' year, 中站区's projects, what is complete
by the article's date, what is paused, and 高新区's own programme."""

import datetime
from decimal import Decimal

import pytest

from keyworks.demo.loader import load_demo
from keyworks.orgs.models import User
from tests.api.conftest import Api

CITY, GAOXIN = "jz2025", "jz2025-gxq"
YEAR = 2025
# The article's present (just after the Spring Festival), one year on.
SEED_DATE = datetime.date(2026, 2, 28)
# Projects the article reports as progressing, built or in use: none may be paused, carry
# a red light or an open problem in the year it reviews.
PROGRESSING = {
    "中福钛锆产业园",
    "宁福巨湾新能源动力电池",
    "佰利新能源锂电材料",
    "健康元高端原料药",
    "大咖梦工厂",
    "中内配氢燃料电池发动机/空压机",
    "武陟集成电路产业园",
    "马村生物医药产业园",
    "沿太行高速焦作至济源段",
    "沿黄高速武陟至济源段",
    "牧野路(影视路—丰收路)",
    "山阳路大沙河桥",
    "河南高铁焦洛平段",
    "市城乡供水一体化",
    "市再生水综合利用",
    "市灌区建设与改造",
    "市老旧小区集中供暖",
    "城市医疗服务能力提升",
    "市中医院省级区域中医康复诊疗中心",
    "市人民医院医学研究中心",
    "市十一中迁建",
    "老旧小区与燃气管网改造",
    "市第二人民医院",
    "城区断头路打通工程（和平街等）",
}


@pytest.fixture
def api(db):
    load_demo()
    return Api(User.objects.get(username="office"))


def get(api, url, **params):
    response = api.get(url, params)
    assert response.status_code == 200, (url, response.content[:300])
    return response.json()


def day(value) -> datetime.date | None:
    return datetime.date.fromisoformat(value) if value else None


def projects(api, programme=CITY, **params) -> dict[str, dict]:
    page = get(api, "/api/projects", programme=programme, page_size=200, **params)
    assert page["count"] == len(page["items"])
    return {p["name"]: p for p in page["items"]}


def detail(api, project) -> dict:
    return get(api, f"/api/projects/{project['id']}")


def milestone(api, project, name) -> dict:
    (found,) = [m for m in detail(api, project)["milestones"] if m["name"] == name]
    return found


def test_fifteen_new_builds_all_started_and_ten_started_early(api):
    figures = {
        f["key"]: f["value"]
        for f in get(api, "/api/figures", programme=CITY, month=f"{YEAR}-12")["figures"]
    }
    assert (figures["new_projects"], figures["started"]) == (15, 15)

    ledger = projects(api)
    new = {n: p for n, p in ledger.items() if day(p["planned_start"]).year == YEAR}
    assert len(new) == 15 and "宁福巨湾新能源动力电池" in new
    assert all(day(p["actual_start"]) <= datetime.date(YEAR, 12, 31) for p in new.values())

    early = {
        n
        for n, p in ledger.items()
        if p["actual_start"] and day(p["actual_start"]) < day(p["planned_start"])
    }
    assert len(early) == 10
    assert {"市城乡供水一体化", "市再生水综合利用"} <= early
    assert early <= set(new)  # started ahead of plan within the year


def test_the_review_raised_three_targets_by_ten_percent_and_shortened_two_completions(api):
    ledger = projects(api)
    by_project: dict[int, list[dict]] = {}
    for item in get(api, "/api/targets", programme=CITY, page_size=200)["items"]:
        by_project.setdefault(item["project"]["id"], []).append(item)
    revised = {
        item["project"]["name"]: [get(api, f"/api/targets/{v['id']}") for v in versions]
        for versions in by_project.values()
        for item in versions[:1]
        if len(versions) > 1
    }
    raised, shortened = {}, {}
    for name, (first, second) in revised.items():
        assert (second["revision"], second["status"], second["is_current"]) == (
            2,
            "accepted",
            True,
        )
        assert second["reviewed_at"] and "年度目标逐项审核" in second["reason"]
        if Decimal(second["investment"]) != Decimal(first["investment"]):
            assert Decimal(second["investment"]) == (
                Decimal(first["investment"]) * Decimal("1.1")
            ).quantize(Decimal("0.01"))
            assert ledger[name]["annual_investment"] == second["investment"]
            raised[name] = second
        else:
            before = {m["name"]: day(m["planned_date"]) for m in first["milestones"]}
            after = {m["name"]: day(m["planned_date"]) for m in second["milestones"]}
            moved = {m for m in after if m in before and after[m] < before[m]}
            assert len(moved) == 1
            (done,) = moved
            assert day(ledger[name]["planned_finish"]) == after[done]
            assert day(milestone(api, ledger[name], done)["planned_date"]) == after[done]
            shortened[name] = second
    assert len(raised) == 3 and "市老旧小区集中供暖" in raised
    assert set(shortened) == {"市灌区建设与改造", "城市医疗服务能力提升"}


def test_the_two_expressways_complete_31_81_yi_106_percent_of_their_target(api):
    ledger = projects(api)
    names = ("沿太行高速焦作至济源段", "沿黄高速武陟至济源段")
    completed = Decimal(0)
    target = Decimal(0)
    for name in names:
        project = ledger[name]
        (report,) = get(
            api, "/api/reports", programme=CITY, month=f"{YEAR}-12", project=project["id"]
        )["items"]
        completed += Decimal(report["ytd_total"])
        targets = get(api, "/api/targets", programme=CITY, project=project["id"], current=True)
        (current,) = targets["items"]
        target += Decimal(current["investment"])
    assert completed == Decimal("318100.00")  # 31.81亿元
    assert (100 * completed / target).quantize(Decimal("1")) == 106
    lights = get(api, "/api/lights", programme=CITY, month=f"{YEAR}-12")["items"]
    rates = {i["project"]["name"]: Decimal(i["completion_rate"]) for i in lights}
    assert all(rates[name] >= 100 for name in names)


def test_zhongzhan_carries_exactly_the_seeds_seven_projects(api):
    zhongzhan = projects(api, district="410803")
    industry = {n for n, p in zhongzhan.items() if p["category"]["code"] == "industry"}
    assert industry == {
        "中福钛锆产业园",
        "宁福巨湾新能源动力电池",
        "佰利新能源锂电材料",
        "风神高性能巨型工程子午胎",
    }
    assert set(zhongzhan) - industry == {
        "沿太行高速焦作至济源段",
        "省道230旅游公路",
        "锂离子电池新材料产业园",
    }
    total = sum(Decimal(zhongzhan[n]["total_investment"]) for n in industry)
    assert total == Decimal("1630000.00")  # 163亿元


def test_what_the_seed_reports_done_is_done_and_nothing_progressing_is_paused(api):
    ledger = projects(api)
    ningfu = ledger["宁福巨湾新能源动力电池"]
    assert ningfu["stage"] == "completed" and day(ningfu["actual_finish"]) <= SEED_DATE
    assert day(milestone(api, ningfu, "一期建成投产")["actual_date"]) <= SEED_DATE
    zhongfu = milestone(api, ledger["中福钛锆产业园"], "一期1.5万吨钛及钛合金项目建成投用")
    assert day(zhongfu["actual_date"]) <= SEED_DATE
    for name in ("智慧物流中心建成", "水果生产线建成投用"):
        assert day(milestone(api, ledger["大咖梦工厂"], name)["actual_date"]) <= SEED_DATE

    assert PROGRESSING <= set(ledger)
    lights = get(api, "/api/lights", programme=CITY, month=f"{YEAR}-12")
    paused = {i["project"]["name"] for i in lights["items"] if i["paused"]}
    red = {i["project"]["name"] for i in lights["items"] if i["color"] == "red"}
    assert len(paused) == 2 and lights["counts"]["red"] >= 1  # the demo still shows them
    assert not paused & PROGRESSING and not red & PROGRESSING
    response = get(api, "/api/problems", programme=CITY, as_of=f"{YEAR}-12-31", page_size=200)
    problems = response["items"] if isinstance(response, dict) else response
    open_then = {p["project"]["name"] for p in problems}
    assert open_then and not open_then & PROGRESSING


def test_gaoxin_runs_its_own_programme_under_the_citys(api):
    programmes = {p["code"]: p for p in get(api, "/api/programmes")}
    gaoxin = programmes[GAOXIN]
    assert gaoxin["parent"] == CITY and gaoxin["region"]["name"] == "高新区"
    assert gaoxin["year"] == YEAR and gaoxin["is_demo"]

    district = projects(api, GAOXIN)
    done = {n for n, p in district.items() if p["actual_finish"]}
    assert "焦作市人才公寓" in done and len(done) == 6
    assert all(day(district[n]["actual_finish"]) <= SEED_DATE for n in done)
    for name in ("高新区背街小巷硬化", "阳明路"):  # 春节期间落地
        started = day(district[name]["actual_start"])
        assert datetime.date(2026, 2, 1) <= started <= SEED_DATE

    december = {
        f["key"]: f["value"]
        for f in get(api, "/api/figures", programme=GAOXIN, month=f"{YEAR}-12")["figures"]
    }
    assert december["projects"] == 8 and december["reports_on_time"] == 8
    assert december["lights_red"] == 0 and december["completion_rate"] == "100.0"

    city = projects(api)
    assert len(city) == 30
    assert not set(city) & set(district)
    assert not any("背街小巷" in n or "阳明路" in n for n in city)
