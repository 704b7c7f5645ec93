"""Demo channels of every type and publications in every state (idempotent)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils import timezone

from guildhall.orgs.demo import ensure_member
from guildhall.publications import services
from guildhall.publications.models import Channel, Publication

ORDER = 30
ASSOCIATIONS = ("soft", "logi", "tour", "chem")

# org, type, name, account, ICP number
CHANNELS = [
    ("soft", "website", "协会官方网站", "https://www.soft.example.cn", "苏ICP备12345678号-1"),
    ("soft", "wechat_official", "省软件行业协会微信公众号", "gh_soft_demo", ""),
    ("soft", "weibo", "省软件行业协会官方微博", "weibo.com/softdemo", ""),
    ("soft", "video", "软件协会视频号", "sph_softdemo", ""),
    ("logi", "app", "物流商会会员客户端", "com.example.logi", ""),
    ("logi", "print", "《物流与供应链》会刊", "苏新出准印 S(2024)001", ""),
    ("logi", "wechat_official", "物流商会公众号", "gh_logi_demo", ""),
    ("tour", "other", "旅游协会展板", "协会大厅", ""),
    ("tour", "wechat_official", "旅游协会公众号", "gh_tour_demo", ""),
    ("chem", "website", "化工协会网站", "https://www.chem.example.cn", "苏ICP备87654321号"),
]

ID_NUMBER = "320102199003071239"  # a made-up number with a valid check character


def _at(days: int, hour: int = 10) -> dt.datetime:
    day = timezone.localdate() + dt.timedelta(days=days)
    return timezone.make_aware(dt.datetime(day.year, day.month, day.day, hour, 0))


def seed(cast: Any, password_hash: str) -> None:
    for code in ASSOCIATIONS:
        ensure_member(cast, code, "reviewer", password_hash, username=f"{code}-reviewer2",
                      name_key="reviewer2")
    if Channel.objects.filter(organization__code__in=ASSOCIATIONS).exists():
        return
    u = cast.user
    channels: dict[str, Channel] = {}
    for code, type_, name, account, icp in CHANNELS:
        channels[name] = services.channel_create(
            actor=u(f"{code}-admin"), org=cast.orgs[code],
            data={"type": type_, "name": name, "account": account, "icp_number": icp,
                  "operator": "办公室", "responsible_person": u(f"{code}-principal")})
    wechat, web = channels["省软件行业协会微信公众号"], channels["协会官方网站"]
    weibo, video = channels["省软件行业协会官方微博"], channels["软件协会视频号"]
    services.terms_update(actor=u("soft-admin"), org=cast.orgs["soft"], terms=["青鸟计划"])

    def write(code: str, title: str, body: str, chans: list[Channel], days: int,
              **extra: Any) -> Publication:
        return services.publication_create(actor=u(f"{code}-editor"), org=cast.orgs[code], data={
            "title": title, "body": body, "channels": chans, "planned_at": _at(days), **extra})

    def review(p: Publication, who: str, verdict: str, comment: str) -> Publication:
        return services.publication_review(actor=u(who), publication=p, verdict=verdict,
                                           comment=comment, revision=p.revision)

    def submit(p: Publication, code: str = "soft") -> Publication:
        return services.publication_submit(actor=u(f"{code}-editor"), publication=p)

    def approve(p: Publication, code: str = "soft") -> Publication:
        p = submit(p, code)
        p = review(p, f"{code}-reviewer", "pass", "初审通过，表述准确。")
        p = review(p, f"{code}-reviewer2", "pass", "复审通过。")
        return review(p, f"{code}-principal", "pass", "同意签发。")

    write("soft", "2025 年度会员大会通知（草稿）", "各会员单位：\n协会定于年底召开会员大会。", [wechat], 10)
    submit(write("soft", "软件产业政策解读（一）", "本文解读近期出台的软件产业扶持政策。\n"
                 "一、政策背景\n二、主要内容", [wechat, web], 3))
    p = approve(write("soft", "协会走访会员企业纪实", "近日，协会秘书处走访了五家会员企业。",
                      [web], 1))
    p = approve(write("soft", "第十届软件产业博览会开幕", "第十届软件产业博览会今日开幕。",
                      [wechat, web], -5))
    services.publication_record_published(
        actor=u("soft-editor"), publication=p, channel=wechat,
        url="https://mp.weixin.qq.com/s/demo-expo-10", published_at=_at(-5))
    p = approve(write("soft", "会员企业招聘信息汇总", "以下为会员企业本月招聘信息。", [weibo], -12))
    services.publication_record_published(
        actor=u("soft-editor"), publication=p, channel=weibo,
        url="https://weibo.com/softdemo/demo-jobs", published_at=_at(-12))
    services.publication_withdraw(actor=u("soft-editor"), publication=p,
                                  reason="招聘信息中一家企业已撤回岗位，整条撤下更新后重发。")
    p = submit(write("soft", "关于行业内部数据的说明", "内容涉及尚未公开的统计数据。", [web], 6))
    review(p, "soft-reviewer", "reject", "数据尚未正式发布，不宜对外公开。")

    # Returned twice, then waiting again
    p = submit(write("soft", "软件人才培养计划发布", "协会将联合高校开展人才培养。", [wechat], 8))
    p = review(p, "soft-reviewer", "return", "请补充合作高校名单。")
    p = services.publication_revise(actor=u("soft-editor"), publication=p, data={
        "body": "协会将联合东南大学、南京大学开展人才培养。"})
    p = submit(p)
    p = review(p, "soft-reviewer", "pass", "初审通过。")
    p = review(p, "soft-reviewer2", "return", "标题与正文不一致，请修改标题。")
    p = services.publication_revise(actor=u("soft-editor"), publication=p, data={
        "title": "协会联合高校启动软件人才培养计划"})
    submit(p)

    # Acknowledged findings: a contact's mobile number the reviewer accepted with a reason
    p = submit(write("soft", "行业沙龙报名通知", "欢迎会员报名参加本月行业沙龙。\n"
                     "报名联系人：张老师，手机 13912345678。", [wechat], 4))
    for finding in p.findings.filter(revision=p.revision):
        services.publication_acknowledge_finding(
            actor=u("soft-reviewer"), publication=p, finding=finding,
            reason="该号码为协会对外公开的报名专线，本人同意公开。")
    p = review(p, "soft-reviewer", "pass", "联系方式已确认可公开，初审通过。")
    p = review(p, "soft-reviewer2", "pass", "复审通过。")
    review(p, "soft-principal", "pass", "同意签发。")

    # An unresolved finding waits at the first step (a resident ID number in the body)
    submit(write("soft", "优秀会员代表事迹", f"会员代表李某（身份证号 {ID_NUMBER}）荣获表彰。",
                 [web], 9))

    # On a paused channel: approved before the pause, cannot be recorded as published
    p = submit(write("soft", "短视频：协会这一年", "回顾协会一年来的主要工作。", [video], 2))
    p = review(p, "soft-reviewer", "pass", "初审通过。")
    services.channel_pause(actor=u("soft-principal"), channel=video,
                           reason="视频号账号疑似被盗用，暂停发布，待核实。")

    # Cleared with the superior body
    p = submit(write("soft", "重要政策宣传口径：软件产业促进条例", "条例宣传口径如下。", [web], 12,
                     needs_supervisor=True))
    p = review(p, "soft-reviewer", "pass", "初审通过。")
    p = review(p, "soft-reviewer2", "pass", "复审通过。")
    review(p, "soft-principal", "pass", "同意，报主管单位审核。")

    # The other associations
    logi_app = channels["物流商会会员客户端"]
    approve(write("logi", "冷链物流标准宣贯", "介绍冷链物流团体标准。", [logi_app], 5), "logi")
    write("logi", "会刊第三期目录", "本期目录如下。", [channels["《物流与供应链》会刊"]], 20)
    submit(write("tour", "旅游协会春季推介", "春季旅游线路推介。", [channels["旅游协会公众号"]], 7),
           "tour")
    submit(write("chem", "化工安全月活动回顾", "安全生产月活动顺利结束。", [channels["化工协会网站"]],
                 3), "chem")
