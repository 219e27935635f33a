"""The article reader on real pages: the five seeds (gold values read off the pages by
hand), devset records of other shapes, devset text in synthetic site chrome, and bad input."""

from __future__ import annotations

import json
import pickle
import time
from pathlib import Path

import pytest
from helpers import vn, windows_1258

from indexer.articles.reader import Article, ReadError, decode, read_record, read_text

ROOT = Path(__file__).resolve().parents[1]
CORPUS = ROOT / "corpus"
SAMPLE = Path(__file__).parent / "fixtures" / "devset-sample.jsonl"


def seed(prefix: str) -> Article:
    path = next(CORPUS.glob(f"{prefix}_*.txt"))
    return read_text(decode(path.read_bytes()), id=path.stem)


def paragraphs(article: Article) -> list[str]:
    return article.body.split("\n\n")


# --- the five seeds -----------------------------------------------------------------

SEEDS = {
    "000": dict(
        title="Đảng bộ Tp.Thủ Dầu Một: 5 năm liền trong sạch, vững mạnh tiêu biểu",
        published=vn(2020, 6, 22, 8, 36, 15),
        terms=["2015-2020", "khóa XI", "khóa XII", "2020-2025"],
        author="Thu Thảo",
        first="Với quyết tâm xây dựng Đảng ngày càng trong sạch vững mạnh, Đảng bộ TP.Thủ Dầu Một",
        last="- Phấn đấu hàng năm Đảng bộ, chính quyền, Ủy ban MTTQ",
        caption="Đoàn kết, xây dựng Đảng bộ trong sạch vững mạnh tiêu biểu, góp phần đạt mục tiêu",
        chrome=["Cập nhật", "Chia sẻ bài viết", "LƯU Ý", "Gửi file đính kèm", "Quay lên trên", "THU THẢO"],
    ),
    "001": dict(
        title="Phú Thuận qua 5 năm thực hiện Nghị quyết số 04-NQ/TW của Ban Chấp hành Trung ương Đảng khóa XII",
        published=None,
        terms=["khóa XII"],
        author="Nguyễn Quốc Khánh",
        first="(TUAG)- Nghị quyết Trung ương 4 (khóa XII) ngày 30/10/2016",
        last="Về cán bộ, đảng viên năm 2016 có 14 đồng chí",  # the footnotes stay
        caption=None,
        chrome=["Truy cập hiện tại", "khách và không thành viên", "Xây dựng Đảng\n", "Tiến tới đại hội đảng",
                "Giải phóng miền Nam", "Số lần xem", "31376270", "_____"],
    ),
    "002": dict(
        title="Xây dựng Đảng vững mạnh từ cơ sở",
        published=vn(2022, 3, 18, 6, 30),
        terms=["2020-2025", "khóa XI", "khóa XII"],
        author="Anh Thơ",
        first="Xác định nâng cao chất lượng tổ chức cơ sở Đảng (TCCSĐ)",
        last="Đồng chí Đặng Trần Minh- Phó Bí thư Thường trực Thành ủy",
        # the caption keeps its text, without the headline glued in front of it
        caption="Đảng ủy xã Hùng Lô thường xuyên kiểm tra, giám sát hồ sơ đảng viên",
        chrome=["Cập nhật", "Các tin đã đưa", "Việt Trì xây dựng Đảng bộ tiêu biểu", "2022-03-17", "baophutho.vn",
                "Kỳ II", "Tin địa phương", "Xem thêm", "Thời tiết", "POWERED BY", "Việt Long", "Anh Thơ"],
    ),
    "003": dict(
        title="Đoàn kết, sáng tạo, xây dựng Đảng bộ Khối trong sạch, vững mạnh",
        published=vn(2020, 8, 14, 6, 58, 18),
        terms=["2015-2020", "khóa XII"],
        author="Vũ Tiến Phụng",
        first="Nhiệm kỳ 2015-2020, Đảng bộ Khối các cơ quan tỉnh",
        last="Đảng bộ xác định 3 công việc đột phá",
        caption="Ban Thường vụ Đảng ủy Khối các cơ quan tỉnh duy trì nền nếp",
        chrome=["THỨ SÁU", "VŨ TIẾN PHỤNG", "Tỉnh ủy viên, Bí thư"],
    ),
    "004": dict(
        title="Bình Liêu: Lãnh đạo toàn diện, đổi mới",
        published=vn(2017, 10, 23, 17, 1),
        terms=["khóa XII", "2016-2020", "2017-2020"],
        author="Trúc Linh",
        first="Đảng bộ huyện Bình Liêu có 28 chi, đảng bộ cơ sở",
        last="Với sự chủ động, sáng tạo trong công tác lãnh đạo",
        caption="Chi bộ Văn phòng HĐND và UBND huyện Bình Liêu tổ chức kết nạp đảng viên. (Ảnh: Đơn vị cung cấp)",
        chrome=["Xây dựng, củng cố tổ chức Đảng vững mạnh", "Thứ Hai", "Tin liên quan", "Trúc Linh", "\n.\n"],
    ),
}


@pytest.mark.parametrize("prefix", sorted(SEEDS))
def test_seed(prefix):
    gold = SEEDS[prefix]
    article = seed(prefix)
    assert article.title == gold["title"]
    assert article.published == gold["published"]  # equal to an aware datetime: aware too
    assert article.terms == gold["terms"]
    assert article.author == gold["author"]
    body = paragraphs(article)
    assert body[0].startswith(gold["first"])
    assert body[-1].startswith(gold["last"])
    if gold["caption"]:
        assert any(p.startswith(gold["caption"]) for p in body)
    for chrome in gold["chrome"]:
        assert chrome not in "\n" + article.body + "\n", chrome
    assert article.title not in body


def test_seed_sub_headings_are_kept():
    body = paragraphs(seed("000"))
    assert "Bắt đầu từ sự đoàn kết" in body and "Đổi mới phương thức lãnh đạo" in body
    assert "Sâu sát đến chi bộ cơ sở" in paragraphs(seed("004"))


def test_seed_glued_headline_is_stripped_from_captions():
    article = seed("002")
    assert "cơ sởĐảng" not in article.body and "cơ sởTuyến" not in article.body
    assert any(p.startswith("Tuyến đường phố Đốc Ngữ phường Minh Phương") for p in paragraphs(article))


def test_seed_years_mentioned_and_no_page_date():
    article = seed("001")
    assert article.published is None  # 30/10/2016 is in a sentence, not the page's date
    assert {2016, 2017, 2018}.issubset(article.years_mentioned)
    assert seed("000").years_mentioned == [2015, 2020, 2025]


def test_seed_every_article_sentence_is_kept():
    """Every prose line of seed 000 between its date line and its byline is in the body."""
    lines = [line.strip() for line in (next(CORPUS.glob("000_*.txt"))).read_text(encoding="utf-8").splitlines()]
    start, end = lines.index("Cập nhật: 22-06-2020 | 08:36:15"), lines.index("THU THẢO")
    article = seed("000")
    for line in lines[start + 1:end]:
        if line.strip("\u00a0 "):
            assert line.strip("\u00a0 ") in article.body


def test_to_dict_and_pickle():
    article = seed("004")
    data = json.loads(json.dumps(article.to_dict(), ensure_ascii=False))
    assert data["published"] == "2017-10-23T17:01:00+07:00"
    assert data["title"] == "Bình Liêu: Lãnh đạo toàn diện, đổi mới"
    assert data == article.to_dict()
    # The story is Bình Liêu's ("Bình Liêu: Lãnh đạo toàn diện, đổi mới"); it also names
    # its commune Đồng Văn ("Đảng bộ xã Đồng Văn"). Localities are both, about first.
    assert data["about"] == [
        {"province": "Quảng Ninh", "province_2025": "Quảng Ninh", "district": "Bình Liêu", "commune": None}]
    assert data["mentions"] == [
        {"province": "Quảng Ninh", "province_2025": "Quảng Ninh", "district": "Bình Liêu", "commune": "Đồng Văn"}]
    assert pickle.loads(pickle.dumps(article)) == article


def test_a_records_url_names_its_paper_when_it_gives_no_source():
    # A Kon Tum lead (local-leads danes8-dev-174) that names its province only as "tỉnh".
    record = {"title": "UBND tỉnh tổ chức Phiên họp chuyên đề tháng 9/2021",
              "body": "Chiều 24/9, UBND tỉnh tổ chức Phiên họp chuyên đề tháng 9/2021 để bàn, quyết định, "
                      "thông qua một số nội dung thuộc thẩm quyền của UBND tỉnh."}
    assert read_record(record).about == []
    article = read_record({**record, "url": "https://baokontum.com.vn/"})
    assert [(loc.province, loc.district) for loc in article.about] == [("Kon Tum", None)]


# --- devset records of other shapes ---------------------------------------------------

def sample() -> dict[str, dict]:
    return {r["id"]: r for r in map(json.loads, SAMPLE.read_text(encoding="utf-8").splitlines())}


DEVSET = {
    # headline as the body's first line (the URL slug confirms it); no byline
    "dantri-news_business_002": dict(
        title='Ngành thuế "thất thu" vì hàng chục ngàn doanh nghiệp... "chết yểu"', author=None,
        first="Bình quân mỗi tháng cả nước có hơn 8.700 doanh nghiệp rút khỏi thị trường.",
        last="Tuy nhiên, các biện pháp hỗ trợ cộng đồng doanh nghiệp"),
    # a photo gallery: captions without full stops are the article
    "dantri-news_entertainment_015": dict(
        title='Kim Kardashian "vung tiền" trang trí cả ngôi nhà thành tổ nhện', author=None,
        first="Kim Kardashian biến cả biệt thự", last="Kim Kardashian nổi bật trên thảm đỏ"),
    # a notice after the signature
    "dantri-news_education_111": dict(
        author="Nguyễn Hành", first="Một lãnh đạo huyện Vĩnh Thuận cho biết",
        last="Làm việc với cơ quan Công an, ông Q. đã thừa nhận", absent=["Mọi ý kiến đóng góp", "Nguyễn Hành"]),
    # two signatures on one line
    "dantri-news_health_263": dict(author="Minh Nhật - Trường Thịnh", absent=["Minh Nhật - Trường Thịnh"]),
    "dantri-news_society_200": dict(author="Quân Đỗ - An Nhiên", first="Tọa lạc ở cửa ngõ TP. Hạ Long"),
    # "Theo <name><outlet>" glued together
    "dantri-news_business_102": dict(author="Vân Du", absent=["Theo Vân Du", "Người lao động"]),
    # a name, then a credit line
    "dantri-news_entertainment_034": dict(
        title="Bạn gái Brooklyn Beckham được lòng gia đình chồng tương lai", author="Vĩnh Ngọc",
        absent=["Theo DM", "Vĩnh Ngọc"]),
    # "<name>Theo <outlet>" glued together
    "dantri-news_tech_033": dict(author="T.Thủy", absent=["T.ThủyTheo"]),
    # Party and National Assembly terms in one article
    "dantri-news_society_204": dict(
        title="Ông Phùng Xuân Nhạ làm Phó Trưởng Ban Tuyên giáo Trung ương", author="Quang Phong",
        terms=["khóa XI", "khóa XII", "Quốc hội khóa XIV", "Quốc hội khóa XIII"]),
    # provincial leads: title from the record, one-paragraph body, no date
    "danes8-dev-0": dict(
        title="Từ đêm 12/9- 15/9: Thanh Hóa có khả năng xảy ra một đợt mưa to đến rất to và dông", author=None,
        first="(TTV)- Hiện nay, dải hội tụ nhiệt đới", published=None),
    "danes8-dev-9": dict(first="(QNO) – UBND tỉnh vừa có văn bản gửi các tỉnh phía Nam", published=None),
    # the record's body is its title again (with an invisible space): an empty body
    "danes8-dev-2": dict(
        title="Tập đoàn T&T trao tặng máy siêu âm đàn hồi mô chẩn đoán ung thư sớm cho BVĐK tỉnh Lào Cai",
        body="", published=None),
}


@pytest.mark.parametrize("rid", sorted(DEVSET))
def test_devset_record(rid):
    gold = DEVSET[rid]
    record = sample()[rid]
    article = read_record(record)
    assert article.id == rid and article.source == record["source"]
    if "published" in gold:
        assert article.published == gold["published"]
    else:  # the record's date wins, as local midnight
        y, m, d = map(int, record["published"].split("-"))
        assert article.published == vn(y, m, d)
    for key in ("title", "author", "terms", "body"):
        if key in gold:
            assert getattr(article, key) == gold[key], key
    body = paragraphs(article)
    if "first" in gold:
        assert body[0].startswith(gold["first"])
    if "last" in gold:
        assert body[-1].startswith(gold["last"])
    for text in gold.get("absent", []):
        assert text not in article.body


def test_record_without_title_gets_one_from_its_url_slug():
    article = read_record(sample()["dantri-news_society_200"])
    # The slug "nut-giao-hinh-canh-hoa-khong-lo-hon-400-ty-dong-hien-dai-nhat-quang-ninh" with the body's accents
    assert article.title == "Nút giao hình cánh hoa khổng lồ hơn 400 tỷ đồng hiện đại nhất Quảng Ninh"


def test_record_fields_win_over_guesses():
    page = (CORPUS / next(p.name for p in CORPUS.glob("004_*.txt"))).read_text(encoding="utf-8")
    article = read_record({"id": "x", "title": "Tiêu đề của bản ghi", "text": page, "published": "2017-10-24",
                           "url": "https://baoquangninh.com.vn/x.html", "source": "baoquangninh.com.vn"})
    assert article.title == "Tiêu đề của bản ghi"
    assert article.published == vn(2017, 10, 24)
    assert article.author == "Trúc Linh" and "Tin liên quan" not in article.body
    assert article.url == "https://baoquangninh.com.vn/x.html"
    iso = read_record({"id": "y", "title": "T", "body": "Một câu đủ dài để làm thân bài của bản ghi này.",
                       "published": "2021-05-02T10:00:00+07:00"})
    assert iso.published == vn(2021, 5, 2, 10)


@pytest.mark.parametrize("record", [{}, {"id": "a"}, {"id": "a", "body": ""}, {"id": "a", "body": "  \n "}, [1, 2],
                                    {"id": "a", "body": 42}])
def test_record_without_text_is_a_read_error(record):
    with pytest.raises(ReadError) as e:
        read_record(record)
    assert "\n" not in str(e.value)


# --- synthetic chrome of another shape around devset text ----------------------------

CHROME_TOP = """Trang chủ | Thời sự | Kinh tế | Văn hóa | Thể thao
Hotline: 0123 456 789
Thời sự
Kinh tế
{title}
Đăng lúc 07:45, Thứ ba 13/04/2021
Chia sẻ
"""
CHROME_BOTTOM = """{byline}
Bình luận (0)
Gửi bình luận
Tin cùng chuyên mục
Giá vàng hôm nay tăng mạnh
Giá vàng hôm nay tăng mạnh
12/04/2021 08:00
Sáng nay giá vàng trong nước tăng thêm 200.000 đồng mỗi lượng so với phiên hôm qua, ghi nhận tại các cửa hàng...
Xăng dầu đồng loạt giảm giá
Xăng dầu đồng loạt giảm giá
11/04/2021 15:30
Liên Bộ Công Thương - Tài chính vừa điều chỉnh giá xăng dầu, mỗi lít xăng giảm khoảng 300 đồng kể từ chiều nay...
Lượt xem: 1234
© 2021 Báo Điện tử. Giấy phép số 123/GP-BTTTT
"""


def wrap(title: str, body_lines: list[str], byline: str) -> str:
    return CHROME_TOP.format(title=title) + "\n".join(body_lines) + "\n" + CHROME_BOTTOM.format(byline=byline)


def test_synthetic_chrome_around_devset_text():
    record = sample()["dantri-news_business_002"]
    lines = record["body"].split("\n")[1:]
    page = wrap("Ngành thuế thất thu vì doanh nghiệp chết yểu", lines, "NGUYỄN VĂN AN")
    article = read_text(page, source="example.vn")
    assert article.title == "Ngành thuế thất thu vì doanh nghiệp chết yểu"
    assert article.published == vn(2021, 4, 13, 7, 45)
    assert article.author == "Nguyễn Văn An"
    assert paragraphs(article) == lines
    for chrome in ("Trang chủ", "Hotline", "Chia sẻ", "Bình luận", "Tin cùng chuyên mục", "Giá vàng",
                   "Xăng dầu", "Lượt xem", "Giấy phép"):
        assert chrome not in article.body, chrome


def test_synthetic_listing_without_byline_is_cut():
    record = sample()["dantri-news_society_204"]
    lines = record["body"].split("\n")[:-1]  # without its "Quang Phong"
    article = read_text(wrap("Ông Phùng Xuân Nhạ làm Phó Trưởng Ban Tuyên giáo Trung ương", lines, ""))
    assert article.author is None
    assert paragraphs(article) == lines
    assert "giá vàng" not in article.body.lower()


def test_date_below_the_title_and_section_above():
    text = "Xây dựng Đảng\n\nCập nhật: 01/02/2021 10:00\n\nTiêu đề bài viết về công tác cán bộ\n\n" + \
           "Đây là câu đầu tiên của bài viết, đủ dài để là văn xuôi. Câu thứ hai cũng thế.\n\nLê Văn Bình\n"
    article = read_text(text)
    assert article.title == "Tiêu đề bài viết về công tác cán bộ"
    assert article.published == vn(2021, 2, 1, 10)
    assert article.author == "Lê Văn Bình"
    assert article.body == "Đây là câu đầu tiên của bài viết, đủ dài để là văn xuôi. Câu thứ hai cũng thế."


# --- bad input ----------------------------------------------------------------------

def test_empty_text_is_an_empty_article():
    for text in ("", "   \n\n \t", "\u00a0\n.\n.\n"):
        article = read_text(text)
        assert (article.title, article.body, article.published, article.author) == ("", "", None, None)
        assert article.terms == [] and article.about == article.mentions == [] and article.years_mentioned == []


def test_only_boilerplate_is_an_empty_article():
    text = ("Truy cập hiện tại\n\nĐang có 150 khách và không thành viên đang online\n\nXây dựng Đảng\n\n"
            "Tin liên quan\n\nChia sẻ bài viết\n\nQuay lên trên\n\nSố lần xem các bài viết\n31376270\n.\n.\n")
    article = read_text(text)
    assert article.body == "" and article.title == ""


def test_empty_bytes_are_a_read_error():
    with pytest.raises(ReadError, match="empty"):
        decode(b"")


@pytest.mark.parametrize("data", [
    bytes(range(256)) * 40,
    b"\x00\x01\x02\x03" * 1000,
    b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(200)) * 10,
    b"Gi\xe1\xbb\x9b" + b"\x00" * 500,  # NUL padding after some text
])
def test_binary_garbage_is_a_read_error(data):
    with pytest.raises(ReadError) as e:
        decode(data)
    assert str(e.value).startswith("not text")
    assert "\n" not in str(e.value)


def test_legacy_and_utf16_encodings():
    text = (CORPUS / next(p.name for p in CORPUS.glob("004_*.txt"))).read_text(encoding="utf-8")
    expected = read_text(text)
    # Windows-1258 writes most tones as combining marks: decode() must give NFC text back.
    cp1258 = windows_1258(text)
    assert decode(cp1258) == text
    assert read_text(decode(cp1258)) == expected
    for encoding in ("utf-16", "utf-16-le", "utf-16-be"):
        data = text.encode(encoding)
        if not data.startswith((b"\xff\xfe", b"\xfe\xff")):
            data = (b"\xff\xfe" if encoding.endswith("le") else b"\xfe\xff") + data
        assert decode(data) == text
    assert decode(b"\xef\xbb\xbf" + text.encode("utf-8")) == text


def test_utf16_without_bom_is_refused_clearly():
    with pytest.raises(ReadError, match="NUL"):
        decode("Xây dựng Đảng vững mạnh".encode("utf-16-le"))


def test_a_50_mb_line_finishes_quickly():
    line = ("Đảng bộ xã Phú Thuận nhiệm kỳ 2015-2020 ngày 30/10/2016 khóa XII " * 800_000)[:50_000_000]
    start = time.perf_counter()
    article = read_text(decode(line.encode("utf-8")))
    assert time.perf_counter() - start < 10
    assert article.body.startswith("Đảng bộ xã Phú Thuận nhiệm kỳ 2015-2020 ngày 30/10/2016 khóa XII Đảng bộ")
    assert "2015-2020" in article.terms
    garbage_line = "a" * 50_000_000
    start = time.perf_counter()
    article = read_text(garbage_line)
    assert time.perf_counter() - start < 5
    assert article.body == ""


# --- the parse command --------------------------------------------------------------

def test_parse_command_json_lines_and_bad_files(tmp_path):
    from click.testing import CliRunner

    from search.cli import main

    garbage = tmp_path / "garbage.txt"
    garbage.write_bytes(bytes(range(256)) * 20)
    empty = tmp_path / "empty.txt"
    empty.write_bytes(b"")
    records = tmp_path / "records.jsonl"
    records.write_text(SAMPLE.read_text(encoding="utf-8").splitlines()[0] + "\nnot json\n{\"id\": \"x\"}\n",
                       encoding="utf-8")
    seed_path = next(CORPUS.glob("004_*.txt"))
    result = CliRunner().invoke(
        main, ["parse", "--json", str(seed_path), str(garbage), str(empty), str(records)])
    assert result.exit_code == 1
    objects = [json.loads(line) for line in result.stdout.splitlines()]
    assert [o["title"] for o in objects] == ["Bình Liêu: Lãnh đạo toàn diện, đổi mới",
                                             'Ngành thuế "thất thu" vì hàng chục ngàn doanh nghiệp... "chết yểu"']
    assert set(objects[0]) == {"title", "published", "about", "mentions", "terms", "author", "body"}
    assert objects[0]["published"] == "2017-10-23T17:01:00+07:00" and objects[0]["author"] == "Trúc Linh"
    errors = result.stderr.splitlines()
    assert errors == [f"vnsearch: {garbage}: " + errors[0].split(": ", 2)[2],
                      f"vnsearch: {empty}: empty file",  # the same words as `vnsearch index`
                      f"vnsearch: {records}:2: malformed JSON (Expecting value)",
                      f"vnsearch: {records}:3: record has no text ('body' or 'text')"]
    assert "not text" in errors[0] and "Traceback" not in result.stderr


def test_parse_command_text_output():
    from click.testing import CliRunner

    from search.cli import main

    result = CliRunner().invoke(main, ["parse", str(next(CORPUS.glob("001_*.txt")))])
    assert result.exit_code == 0
    assert "title      Phú Thuận qua 5 năm thực hiện Nghị quyết số 04-NQ/TW" in result.output
    assert "published  -" in result.output and "author     Nguyễn Quốc Khánh" in result.output
    assert "terms      khóa XII" in result.output
