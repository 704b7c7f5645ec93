"""Browser story: on a phone, in Chinese, an editor writes a formatted article with the
rich-text editor, pastes from Word and from WPS, saves, reads the result and the phone
preview, edits it again (formatted, never raw HTML), and meets the refusal of an empty
text without losing the title. No Content-Security-Policy violation on the way."""

from pathlib import Path

import pytest
from PIL import Image

from guildhall.publications.models import Channel, Publication
from guildhall.site.demo import seed
from guildhall.testing.browser import phone_browser, screenshot, sign_in

CLIPBOARD = Path(__file__).parent / "clipboard"
PASTE = """([html, text]) => {
    const data = new DataTransfer();
    data.setData('text/html', html);
    data.setData('text/plain', text);
    document.querySelector('#id_body .ql-editor').dispatchEvent(
        new ClipboardEvent('paste', {clipboardData: data, bubbles: true, cancelable: true}));
}"""


def _paste(page, name: str, text: str) -> None:
    page.evaluate(PASTE, [(CLIPBOARD / name).read_text(encoding="utf-8"), text])


def _type(page, text: str) -> None:
    page.keyboard.insert_text(text)


@pytest.mark.browser
def test_an_editor_writes_pastes_from_word_and_wps_and_reads_the_phone_preview(
        live_server, transactional_db, tmp_path):
    cast = seed()
    soft = cast.orgs["soft"]
    wechat = Channel.objects.get(organization=soft, type="wechat_official")
    with phone_browser() as page:
        sign_in(page, live_server.url, "soft-editor")
        page.goto(f"{live_server.url}/o/{soft.pk}/publications/new")
        page.wait_for_selector("#id_body .ql-editor")
        assert page.locator("#id_body .ql-editor").is_visible()
        assert page.locator("textarea[name=body__text]").count() == 0  # replaced by the editor
        page.fill("#id_title", "数据合规培训通知")
        page.check(f"input[name=channels][value='{wechat.pk}']")
        page.fill("#id_planned_at", "2030-01-02T10:00")

        # Typed with the toolbar and the keyboard: a heading, bold, a bulleted list.
        page.click("#id_body .ql-editor")
        page.click("button.ql-header[value='2']")
        _type(page, "培训须知")
        page.keyboard.press("Enter")
        _type(page, "请各会员单位")
        page.click("button.ql-bold")
        _type(page, "按时参加")
        page.click("button.ql-bold")
        _type(page, "。")
        page.keyboard.press("Enter")
        page.click("button.ql-list[value='bullet']")
        _type(page, "携带 Windows 笔记本电脑")
        page.keyboard.press("Enter")
        _type(page, "提前十分钟签到")
        page.keyboard.press("Enter")
        page.keyboard.press("Enter")  # out of the list
        # A link, with the editor's tooltip in Chinese.
        _type(page, "报名表")
        page.keyboard.press("Shift+Home")
        page.click("button.ql-link")
        tooltip = page.locator(".ql-tooltip.ql-editing")
        assert tooltip.evaluate("el => getComputedStyle(el, '::before').content") == '"链接地址："'
        page.fill(".ql-tooltip input[type=text]", "https://www.example.cn/signup")
        page.keyboard.press("Enter")
        page.keyboard.press("End")
        page.keyboard.press("Enter")
        # An image from the phone's gallery, through the toolbar.
        image = tmp_path / "现场.png"
        Image.new("RGB", (1200, 800), "#3a7").save(image)
        with page.expect_file_chooser() as chooser:
            page.click("button.ql-image")
        chooser.value.set_files(str(image))
        page.wait_for_selector("#id_body .ql-editor img")
        page.keyboard.press("Enter")

        _paste(page, "word.html", "一、活动背景")
        page.keyboard.press("Enter")
        _paste(page, "wps.html", "二、工作安排")
        editor = page.locator("#id_body .ql-editor")
        assert editor.locator("h2", has_text="一、活动背景").count() == 1
        assert "mso" not in editor.inner_html() and "o:p" not in editor.inner_html()
        screenshot(page, "editor-1-writing")
        # The live phone preview under the editor, before saving.
        page.click("#id_body-preview summary")
        live = page.locator("#id_body-preview .phone-screen")
        assert live.locator(".phone-title").inner_text() == "数据合规培训通知"
        assert live.locator("h2", has_text="培训须知").count() == 1
        assert live.locator("ul li", has_text="会员单位负责人").count() == 1
        assert live.bounding_box()["width"] <= 375
        live.scroll_into_view_if_needed()
        screenshot(page, "editor-1b-live-preview")

        page.click("#save-publication")
        page.wait_for_load_state()
        publication = Publication.objects.get(title="数据合规培训通知")
        body = page.locator("#publication-body")
        # What was typed.
        assert body.locator("h2", has_text="培训须知").count() == 1
        assert body.locator("strong", has_text="按时参加").count() == 1
        assert body.locator("ul > li").all_inner_texts()[:2] == ["携带 Windows 笔记本电脑", "提前十分钟签到"]
        assert body.locator("a[href='https://www.example.cn/signup']").inner_text() == "报名表"
        assert body.locator("img[src^='data:image/']").count() == 1
        # From Word: the heading, the bold date, the nested bulleted list, the numbered list;
        # the list markers drawn as text, the image on the author's disk and the styles gone.
        assert body.locator("h2", has_text="一、活动背景").count() == 1
        assert body.locator("strong", has_text="十一月十五日").count() == 1
        assert body.locator("ul li", has_text="会员单位负责人").count() == 1
        assert body.locator("ul li ul li", has_text="分管数据安全的副总经理").count() == 1
        assert body.locator("ol > li").first.inner_text() == "报名：十一月十日前报秘书处。"
        assert body.locator("ol > li strong", has_text="报名").count() == 1
        # From WPS: its heading, bold written as a style, its numbered and bulleted lists.
        assert body.locator("h2", has_text="二、工作安排").count() == 1
        assert body.locator("strong", has_text="秘书处").count() == 1
        assert body.locator("ol li", has_text="上午：数据安全法规解读").count() == 1
        assert body.locator("ul li", has_text="请携带单位介绍信").count() == 1
        html = body.inner_html()
        for cruft in ("mso", "style=", "class=", "file:", "o:p", "Wingdings"):
            assert cruft not in html, cruft
        text = body.inner_text()
        assert "1." not in text and "·" not in text
        stored = publication.revisions.get(number=1).snapshot["body"]
        assert "<h2>培训须知</h2>" in stored and "<strong>按时参加</strong>" in stored
        assert "<li>携带 Windows 笔记本电脑</li>" in stored  # spaces, not &nbsp;: lines wrap

        # The phone preview: the article as it reads 375 pixels wide.
        page.click("#phone-preview summary")
        screen = page.locator("#phone-screen")
        assert screen.locator("h2", has_text="培训须知").count() == 1
        assert screen.locator(".phone-title").inner_text() == "数据合规培训通知"
        assert screen.bounding_box()["width"] <= 375
        assert page.evaluate("document.documentElement.scrollWidth") <= 375
        screen.scroll_into_view_if_needed()
        screenshot(page, "editor-2-saved-and-preview")

        # Editing shows the formatted text, not HTML; saved untouched, nothing changes.
        page.click("#edit-publication")
        page.wait_for_selector("#id_body .ql-editor h2")
        editor = page.locator("#id_body .ql-editor")
        assert editor.locator("h2", has_text="培训须知").count() == 1
        assert editor.locator("strong", has_text="按时参加").count() == 1
        assert "<p>" not in editor.inner_text() and "<h2>" not in editor.inner_text()
        screenshot(page, "editor-3-editing")
        page.click("#save-publication")
        page.wait_for_load_state()
        assert Publication.objects.get(pk=publication.pk).revision == 1

        # An empty text is refused, beside the editor, and the title is kept.
        page.goto(f"{live_server.url}/o/{soft.pk}/publications/new")
        page.wait_for_selector("#id_body .ql-editor")
        page.fill("#id_title", "只有标题的文章")
        page.check(f"input[name=channels][value='{wechat.pk}']")
        page.click("#id_body .ql-editor")
        page.keyboard.press("Enter")
        page.keyboard.press("Enter")
        page.click("#save-publication")
        page.wait_for_load_state()
        assert "请填写文章正文" in page.inner_text(".rich-text-field .errorlist")
        assert page.input_value("#id_title") == "只有标题的文章"
        assert page.locator("#id_body .ql-editor").is_visible()
        assert not Publication.objects.filter(title="只有标题的文章").exists()
        screenshot(page, "editor-4-empty-refused")


@pytest.mark.browser
def test_without_javascript_the_editor_is_a_text_box_and_the_form_still_works(
        live_server, transactional_db):
    from playwright.sync_api import sync_playwright

    from guildhall.testing.browser import CHROMIUM, CHROMIUM_ARGS, PHONE

    cast = seed()
    soft = cast.orgs["soft"]
    wechat = Channel.objects.get(organization=soft, type="wechat_official")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        context = browser.new_context(viewport=PHONE, locale="zh-CN", java_script_enabled=False)
        page = context.new_page()
        try:
            sign_in(page, live_server.url, "soft-editor")
            page.goto(f"{live_server.url}/o/{soft.pk}/publications/new")
            assert page.locator("textarea[name=body__text]").is_visible()
            assert not page.locator(".rich-text-toolbar").is_visible()
            assert not page.locator("#id_body-preview").is_visible()
            page.fill("#id_title", "没有脚本的文章")
            page.check(f"input[name=channels][value='{wechat.pk}']")
            page.fill("#id_planned_at", "2030-01-02T10:00")
            page.fill("textarea[name=body__text]", "第一段。\n第二段。")
            page.click("#save-publication")
            page.wait_for_load_state()
            assert page.locator("#publication-body p").all_inner_texts() == ["第一段。", "第二段。"]
            page.click("#edit-publication")
            assert page.input_value("textarea[name=body__text]") == "第一段。\n第二段。"
            screenshot(page, "editor-5-without-javascript")
        finally:
            context.close()
            browser.close()
