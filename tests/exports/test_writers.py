"""The export writers: CSV for Korean Excel, XLSX, JSON — read back and checked. No database."""

from __future__ import annotations

import csv
import hashlib
import io
import json
import zipfile
from datetime import UTC, date, datetime

import pytest
from openpyxl import load_workbook

from campaign.exports import (
    FORMATS,
    Column,
    ExportDocument,
    Sheet,
    digest,
    for_people,
    row_count,
    total_won,
    write_csv,
    write_json,
    write_xlsx,
)

AT = datetime(2026, 11, 25, 3, 0, 5, tzinfo=UTC)  # 12:00:05 KST
TRIGGERS = ["=", "+", "-", "@", "\t", "\r"]
ATTACKS = [f'{t}HYPERLINK("http://evil.example","x")' for t in TRIGGERS] + [
    "=cmd|' /C calc'!A0",
    "+1+1",
    "-2+3",
    "@SUM(A1)",
]
HARMLESS = ["a=b", "1+1", "홍길동", "사랑의열매 (사회복지공동모금회)", "x-y", "foo@example.com"]

ALLOCATIONS = Sheet(
    "배분",
    (
        Column("파트너"),
        Column("지분", "int"),
        Column("금액", "won"),
        Column("정산일", "date"),
        Column("보낸 때", "datetime"),
    ),
    (
        ("평화의숲", 2, 1_234_567, date(2026, 12, 1), AT),
        ('쉼표, "따옴표"\n줄바꿈', 1, -5_000, None, None),
        ("=1+1", 0, 0, None, None),
        (None, None, None, None, None),
    ),
)
DAYS = Sheet("Days", (Column("day", "date"), Column("won", "won")), ((date(2026, 11, 25), 10),))


def document(**overrides: object) -> ExportDocument:
    values: dict[str, object] = {
        "summary": [
            ("캠페인", "댕냥파이트 시즌 2"),
            ("총액", 1_229_567, "won"),
            ("참여자", 130_000_000),
            ("마감", date(2026, 11, 30)),
            ("정산 시각", AT),
        ],
        "sheets": [ALLOCATIONS, DAYS],
    }
    values.update(overrides)
    return ExportDocument(**values)  # type: ignore[arg-type]


def csv_rows(data: bytes) -> list[list[str]]:
    return list(csv.reader(io.StringIO(data.decode("utf-8-sig"), newline="")))


def text_sheet(cells: list[str]) -> Sheet:
    return Sheet("Text", (Column("text"),), tuple((cell,) for cell in cells))


# CSV -----------------------------------------------------------------------------------------


def test_csv_is_utf8_with_bom_and_crlf() -> None:
    data = write_csv(document(sheets=[DAYS]))
    assert data.startswith(b"\xef\xbb\xbf")
    assert not data.startswith(b"\xef\xbb\xbf\xef\xbb\xbf")
    body = data[3:]
    assert body.count(b"\n") == body.count(b"\r\n") > 0
    assert body.count(b"\r") == body.count(b"\r\n")
    assert body.endswith(b"\r\n")
    assert "총액".encode() in body  # UTF-8, not CP949 or escapes


def test_csv_holds_the_summary_then_each_sheet() -> None:
    rows = csv_rows(write_csv(document()))
    assert rows == [
        ["Summary"],
        ["캠페인", "댕냥파이트 시즌 2"],
        ["총액", "1229567"],
        ["참여자", "130000000"],
        ["마감", "2026-11-30"],
        ["정산 시각", "2026-11-25 12:00:05"],
        [],
        ["배분"],
        ["파트너", "지분", "금액", "정산일", "보낸 때"],
        ["평화의숲", "2", "1234567", "2026-12-01", "2026-11-25 12:00:05"],
        ['쉼표, "따옴표"\n줄바꿈', "1", "-5000", "", ""],
        ["'=1+1", "0", "0", "", ""],
        ["", "", "", "", ""],
        [],
        ["Days"],
        ["day", "won"],
        ["2026-11-25", "10"],
    ]


def test_csv_quotes_by_rfc_4180() -> None:
    data = write_csv(document(summary=[], sheets=[text_sheet(["a,b", 'say "hi"', "two\nlines"])]))
    body = data.decode("utf-8-sig")
    assert '"a,b"\r\n' in body
    assert '"say ""hi"""\r\n' in body
    assert '"two\nlines"\r\n' in body
    assert csv_rows(data)[4:] == [["a,b"], ['say "hi"'], ["two\nlines"]]


@pytest.mark.parametrize("attack", ATTACKS)
def test_csv_neutralises_formulas_in_text_cells(attack: str) -> None:
    doc = document(
        summary=[(attack, attack)],
        sheets=[Sheet("T", (Column(attack), Column("n", "won")), ((attack, -1),))],
    )
    rows = csv_rows(write_csv(doc))
    assert rows[1] == ["'" + attack, "'" + attack]
    assert rows[4] == ["'" + attack, "n"]
    assert rows[5] == ["'" + attack, "-1"]
    risky = [cell for row in rows for cell in row if cell.startswith(tuple(TRIGGERS))]
    assert risky == ["-1"]  # the amount, which is a number, not text


@pytest.mark.parametrize("harmless", HARMLESS)
def test_csv_leaves_harmless_text_alone(harmless: str) -> None:
    rows = csv_rows(write_csv(document(summary=[], sheets=[text_sheet([harmless])])))
    assert rows[-1] == [harmless]


def test_csv_amounts_are_bare_integers_and_negatives_stay_numbers() -> None:
    sheet = Sheet(
        "Money",
        (Column("won", "won"), Column("count", "int")),
        ((-1_000_000, -3), (9_007_199_254_740_993, 0), (1000, 1_000_000)),
    )
    rows = csv_rows(write_csv(document(summary=[], sheets=[sheet])))
    assert rows[4:] == [["-1000000", "-3"], ["9007199254740993", "0"], ["1000", "1000000"]]


# XLSX ----------------------------------------------------------------------------------------


def workbook(data: bytes):  # type: ignore[no-untyped-def]
    return load_workbook(io.BytesIO(data))


def test_xlsx_has_a_summary_and_a_worksheet_per_sheet() -> None:
    book = workbook(write_xlsx(document()))
    assert book.sheetnames == ["Summary", "배분", "Days"]
    summary = book["Summary"]
    assert [[cell.value for cell in row] for row in summary.iter_rows()] == [
        ["캠페인", "댕냥파이트 시즌 2"],
        ["총액", 1_229_567],
        ["참여자", 130_000_000],
        ["마감", datetime(2026, 11, 30)],
        ["정산 시각", datetime(2026, 11, 25, 12, 0, 5)],
    ]
    assert summary["B2"].number_format == "#,##0"
    assert summary["B4"].number_format == "yyyy-mm-dd"
    assert summary["A1"].font.bold


def test_xlsx_values_formats_header_and_widths() -> None:
    sheet = workbook(write_xlsx(document()))["배분"]
    assert [cell.value for cell in sheet[1]] == ["파트너", "지분", "금액", "정산일", "보낸 때"]
    assert all(cell.font.bold for cell in sheet[1])
    assert sheet.freeze_panes == "A2"
    amount = sheet["C2"]
    assert amount.value == 1_234_567 and type(amount.value) is int
    assert amount.data_type == "n" and amount.number_format == "#,##0"
    assert sheet["C3"].value == -5_000 and sheet["C3"].number_format == "#,##0"
    assert sheet["B2"].value == 2 and sheet["B2"].number_format == "0"
    assert sheet["D2"].is_date and sheet["D2"].value == datetime(2026, 12, 1)
    assert sheet["D2"].number_format == "yyyy-mm-dd"
    assert sheet["E2"].value == datetime(2026, 11, 25, 12, 0, 5)  # KST wall clock
    assert sheet["A3"].value == '쉼표, "따옴표"\n줄바꿈'
    assert sheet["A5"].value is None and sheet["C5"].value is None
    # Korean takes two columns per character, and the widths say so.
    assert sheet.column_dimensions["A"].width >= 2 * len("평화의숲")
    assert 8 <= sheet.column_dimensions["B"].width < sheet.column_dimensions["A"].width


@pytest.mark.parametrize("attack", ATTACKS)
def test_xlsx_never_holds_a_formula(attack: str) -> None:
    doc = document(
        summary=[(attack, attack)],
        sheets=[Sheet("T", (Column(attack), Column("n", "won")), ((attack, -1),))],
    )
    data = write_xlsx(doc)
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        for name in archive.namelist():
            if name.startswith("xl/worksheets/"):
                assert b"<f>" not in archive.read(name) and b"<f " not in archive.read(name)
    book = workbook(data)
    expected = attack.replace("\r", "\n")  # XML reads a lone CR back as a line feed
    for sheet in book.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                assert cell.data_type != "f"
                if isinstance(cell.value, str) and cell.value != "n":
                    assert cell.value == expected
                    assert cell.data_type == "s" and cell.quotePrefix
    assert book["T"]["B2"].value == -1


def test_xlsx_leaves_harmless_text_unmarked() -> None:
    sheet = workbook(write_xlsx(document(summary=[], sheets=[text_sheet(HARMLESS)])))["Text"]
    for row, expected in zip(sheet.iter_rows(min_row=2), HARMLESS, strict=True):
        assert row[0].value == expected and not row[0].quotePrefix


def test_xlsx_drops_characters_xml_cannot_hold() -> None:
    data = write_xlsx(document(summary=[], sheets=[text_sheet(["nul\x00bell\x07ok"])]))
    assert workbook(data)["Text"]["A2"].value == "nulbellok"


def test_xlsx_is_reproducible_and_stamped() -> None:
    stamped = document(created_at=AT)
    assert write_xlsx(stamped) == write_xlsx(stamped)
    assert write_xlsx(document()) == write_xlsx(document())
    assert write_xlsx(stamped) != write_xlsx(document())
    assert workbook(write_xlsx(stamped)).properties.created == datetime(2026, 11, 25, 3, 0, 5)


# JSON ----------------------------------------------------------------------------------------


def test_json_round_trips_with_types() -> None:
    data = write_json(document())
    assert "댕냥파이트".encode() in data  # ensure_ascii=False
    parsed = json.loads(data.decode("utf-8"))
    assert parsed["summary"] == {
        "캠페인": "댕냥파이트 시즌 2",
        "총액": 1_229_567,
        "참여자": 130_000_000,
        "마감": "2026-11-30",
        "정산 시각": "2026-11-25T12:00:05+09:00",
    }
    assert list(parsed["sheets"]) == ["배분", "Days"]
    first, second, third, empty = parsed["sheets"]["배분"]
    assert first == {
        "파트너": "평화의숲",
        "지분": 2,
        "금액": 1_234_567,
        "정산일": "2026-12-01",
        "보낸 때": "2026-11-25T12:00:05+09:00",
    }
    assert second["금액"] == -5_000 and type(second["금액"]) is int
    assert second["파트너"] == '쉼표, "따옴표"\n줄바꿈'
    assert third["파트너"] == "=1+1"  # data, not a spreadsheet: left as it is
    assert set(empty.values()) == {None}
    assert parsed["sheets"]["Days"] == [{"day": "2026-11-25", "won": 10}]


# The document and its helpers ----------------------------------------------------------------


def test_digest_row_count_and_total_won() -> None:
    doc = document()
    data = write_csv(doc)
    assert digest(data) == hashlib.sha256(data).hexdigest() and len(digest(data)) == 64
    assert digest(data) != digest(data + b" ")
    assert row_count(doc) == 5
    assert row_count(document(sheets=[])) == 0
    assert total_won(doc, "배분", "금액") == 1_234_567 - 5_000
    assert total_won(doc, "Days", "won") == 10
    with pytest.raises(ValueError, match="not won"):
        total_won(doc, "배분", "지분")
    with pytest.raises(KeyError):
        total_won(doc, "배분", "없는 열")
    with pytest.raises(KeyError):
        total_won(doc, "없는 시트", "금액")


def test_formats_registry_points_at_the_writers() -> None:
    doc = document()
    # People open CSV and XLSX, so those get the Korean headings; JSON keeps the keys.
    assert FORMATS["csv"].write(doc) == write_csv(for_people(doc))
    assert FORMATS["json"].write(doc) == write_json(doc)
    assert FORMATS["xlsx"].write(doc) == write_xlsx(for_people(doc))
    assert FORMATS["xlsx"].media_type.endswith("spreadsheetml.sheet")


@pytest.mark.parametrize(
    ("build", "message"),
    [
        (lambda: Sheet("S", (Column("w", "won"),), ((1.5,),)), "not a valid won"),
        (lambda: Sheet("S", (Column("w", "won"),), ((True,),)), "not a valid won"),
        (lambda: Sheet("S", (Column("w", "int"),), (("12",),)), "not a valid int"),
        (lambda: Sheet("S", (Column("d", "date"),), ((AT,),)), "not a valid date"),
        (lambda: Sheet("S", (Column("t", "datetime"),), ((datetime(2026, 1, 1),),)), "datetime"),
        (lambda: Sheet("S", (Column("t"),), ((1,),)), "not a valid text"),
        (lambda: Sheet("S", (Column("a"), Column("b")), (("x",),)), "1 cells for 2 columns"),
        (lambda: Sheet("S", (Column("a"), Column("a")), ()), "unique"),
        (lambda: Sheet("a/b", (Column("a"),), ()), "title"),
        (lambda: Sheet("x" * 32, (Column("a"),), ()), "title"),
        (lambda: Column("a", "money"), "unknown kind"),  # type: ignore[arg-type]
        (lambda: document(sheets=[DAYS, DAYS]), "unique"),
        (lambda: document(sheets=[Sheet("SUMMARY", (Column("a"),))]), "unique"),
        (lambda: document(summary=[("a", 1), ("a", 2)]), "unique"),
        (lambda: document(summary=[("a", 1.5)]), "not a valid text"),
        (lambda: document(summary=[("a", True)]), "yes/no"),
        (lambda: document(summary=[("a",)]), "label, value"),
        (lambda: document(created_at=datetime(2026, 1, 1)), "aware"),
    ],
)
def test_bad_documents_are_refused_where_they_are_built(build, message: str) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(ValueError, match=message):
        build()


def test_spreadsheets_get_korean_headings_and_unknown_keys_stay() -> None:
    doc = ExportDocument(
        summary=[("allocated_won", 100, "won"), ("brand_new_total", 7)],
        sheets=[
            Sheet("allocations", (Column("partner"), Column("amount_won", "won")), (("숲", 100),))
        ],
    )
    rows = csv_rows(FORMATS["csv"].write(doc))
    assert rows[:3] == [["요약"], ["배분 금액(원)", "100"], ["brand_new_total", "7"]]
    assert rows[4:6] == [["배분"], ["파트너", "금액(원)"]]
    book = workbook(FORMATS["xlsx"].write(doc))
    assert book.sheetnames == ["요약", "배분"]
    assert book["배분"]["B1"].value == "금액(원)"
    assert b'"allocations"' in FORMATS["json"].write(doc)
    assert for_people(doc).sheet("배분").rows == doc.sheet("allocations").rows


# Streaming -------------------------------------------------------------------------------------

SHAPES = [
    document(),
    document(summary=[]),
    document(sheets=[]),
    document(summary=[], sheets=[]),
    document(sheets=[Sheet("Empty", (Column("a"), Column("b", "won"))), DAYS]),
    document(sheets=[text_sheet(['say "hi"', "two\nlines", "탭\t", "\\back", "\u2028"]), DAYS]),
]


def streamed(doc: ExportDocument) -> ExportDocument:
    """The same document with every sheet's rows given as a stream."""
    return ExportDocument(
        summary=doc.summary,
        sheets=[
            Sheet(s.title, s.columns, stream=lambda rows=s.rows: iter(rows)) for s in doc.sheets
        ],
        summary_title=doc.summary_title,
        created_at=doc.created_at,
    )


@pytest.mark.parametrize("doc", SHAPES)
def test_json_is_byte_for_byte_what_json_dumps_writes(doc: ExportDocument) -> None:
    from campaign.exports.json_writer import as_dict

    expected = json.dumps(as_dict(doc), ensure_ascii=False, indent=2).encode("utf-8")
    assert write_json(doc) == expected
    assert write_json(streamed(doc)) == expected


@pytest.mark.parametrize("doc", SHAPES)
@pytest.mark.parametrize("name", sorted(FORMATS))
def test_a_streamed_sheet_writes_the_same_bytes_and_counts_its_rows(
    doc: ExportDocument, name: str
) -> None:
    out = io.BytesIO()
    written = FORMATS[name].write_to(streamed(doc), out)
    assert out.getvalue() == FORMATS[name].write(doc)
    assert written == row_count(doc) == row_count(streamed(doc))


def test_a_streamed_row_is_checked_as_it_is_read() -> None:
    sheet = Sheet("Bad", (Column("won", "won"),), stream=lambda: iter([(1,), (1.5,)]))
    with pytest.raises(ValueError, match="row 2 column 'won'"):
        write_csv(ExportDocument(sheets=[sheet]))
    with pytest.raises(ValueError, match="rows or a stream"):
        Sheet("Both", (Column("a"),), (("x",),), stream=lambda: iter([]))
