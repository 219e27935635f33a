"""The first phase's weighting (search/scoring.py) on a small in-memory index."""

from __future__ import annotations

import pytest
from whoosh.filedb.filestore import RamStorage
from whoosh.scoring import BM25F

from indexer.engine.schema import make_schema
from search import query as Q
from search.scoring import BODY_TWIN, OneRarityBM25F

#: Articles whose bodies say "kế hoạch", as most news does; one headline says it too.
PLANS = [
    ("Tỉnh ủy Bình Dương triển khai kế hoạch năm 2021",
     "Tỉnh ủy Bình Dương ban hành kế hoạch thực hiện nghị quyết, giao các huyện báo cáo trước quý hai."),
    ("", "UBND xã Phú Thuận họp bàn kế hoạch phòng chống dịch Covid-19 trên địa bàn xã."),
    ("", "Sở Giáo dục công bố kế hoạch tuyển sinh lớp 10, học sinh đăng ký nguyện vọng trực tuyến."),
    ("", "Thành phố Thủ Dầu Một điều chỉnh kế hoạch đầu tư công trung hạn, ưu tiên giao thông."),
    ("", "Huyện Bến Cát lập kế hoạch sửa chữa đường liên xã trước mùa mưa."),
    ("", "Hội Nông dân tỉnh triển khai kế hoạch hỗ trợ nông dân chuyển đổi cây trồng."),
]
#: The one article that names the company, in its body only.
HABECO = ("", "Tổng công ty Bia - Rượu - Nước giải khát Hà Nội (Habeco) vừa tiết lộ kết quả kinh doanh "
              "quý III và kế hoạch năm tới.")
#: A headline that shares the query's common pairs and not its rare word.
DISTRACTOR = ("Lộ kế hoạch mở rộng sân bay Long Thành", "Bộ Giao thông vận tải trình phương án mở rộng sân bay.")


@pytest.fixture(scope="module")
def index():
    ix = RamStorage().create_index(make_schema())
    with ix.writer() as writer:
        for n, (title, body) in enumerate(PLANS + [HABECO, DISTRACTOR]):
            writer.add_document(id=f"a{n}", title=title, title_fold=title, title_pair=title,
                                body=body, body_fold=body, body_pair=body)
    return ix


def test_a_headline_term_is_as_rare_as_the_articles_holding_it_anywhere(index):
    with index.searcher(weighting=OneRarityBM25F()) as s:
        ours, stock = OneRarityBM25F(), BM25F()
        # In two headlines but seven bodies: stock whoosh weighs it in headlines as a rare term.
        assert s.doc_frequency("title_pair", "ke_hoach") == 2 and s.doc_frequency("body_pair", "ke_hoach") == 7
        assert ours.idf(s, "title_pair", "ke_hoach") == stock.idf(s, "body_pair", "ke_hoach")
        assert ours.idf(s, "title_pair", "ke_hoach") < stock.idf(s, "title_pair", "ke_hoach")
        # A word in more headlines than bodies keeps its headline count; body fields are whoosh's own.
        assert ours.idf(s, "title_fold", "long") == stock.idf(s, "title_fold", "long")
        assert ours.idf(s, "body_pair", "ke_hoach") == stock.idf(s, "body_pair", "ke_hoach")
        assert set(BODY_TWIN.values()) <= set(s.schema.names())


def test_the_article_with_the_rare_word_leads_the_first_phase(index):
    query = Q.scoring(Q.parse("habeco tiet lo ke hoach moi"))
    ids = {}
    for weighting in (BM25F(), OneRarityBM25F()):
        with index.searcher(weighting=weighting) as s:
            ids[type(weighting)] = [hit["id"] for hit in s.search(query, limit=3)]
    habeco, distractor = f"a{len(PLANS)}", f"a{len(PLANS) + 1}"
    assert ids[BM25F][0] == distractor  # what the scoring fixes: the headline's common pairs won
    assert ids[OneRarityBM25F][0] == habeco
