"""Korean headings for the files people open (CSV, XLSX); JSON keeps the English keys.

The services name every summary item, sheet and column with a stable English key; the
spreadsheet writers show the heading below instead. A key without a heading is shown as it is,
so a new column works before it is labelled: add its heading here (one place for every export).
"""

from __future__ import annotations

from dataclasses import replace

from campaign.exports.sheets import Column, ExportDocument, Sheet, SummaryItem

HEADINGS: dict[str, str] = {
    # summary
    "Summary": "요약",
    "campaign": "캠페인",
    "slug": "주소",
    "period_start": "시작일",
    "period_end": "종료일",
    "partner": "파트너",
    "partner_registration_number": "파트너 고유번호",
    "allocated_won": "배분 금액(원)",
    "settlement_total_won": "정산 총액(원)",
    "sponsor_per_action_won": "후원사 참여당 기부(원)",
    "milestone_won": "목표 달성 기부(원)",
    "crew_pledged_won": "크루 기부(원)",
    "company_match_won": "회사 매칭(원)",
    "company_topup_won": "회사 추가 기부(원)",
    "actions": "참여 수",
    "participants": "참여자 수",
    "stamps": "도장 수",
    "units": "임팩트 단위",
    "ledger_sha256": "원장 SHA-256",
    "computed_at": "정산 시각",
    "unit_name": "임팩트 단위 이름",
    "stamps_per_unit": "단위당 도장 수",
    "won_per_unit": "단위당 기부(원)",
    "units_counted": "센 단위",
    "units_funded": "후원으로 채운 단위",
    "units_unfunded": "한도 뒤에 센 단위",
    "corrections_after_close_won": "마감 후 정정 금액(원)",
    # sheets
    "allocations": "배분",
    "daily": "일별",
    "teams": "팀",
    "receipt_donors": "기부금영수증 신청자",
    "corrections_after_close": "마감 후 정정",
    "sponsors_owed": "후원사별 지급액",
    # columns
    "registration_number": "고유번호",
    "share": "지분",
    "amount_won": "금액(원)",
    "kst_day": "날짜(KST)",
    "won": "금액(원)",
    "team": "팀",
    "winner": "승리",
    "legal_name": "성명",
    "email": "이메일",
    "phone": "전화번호",
    "consented_at": "동의 시각(KST)",
    "donated_won": "기부 금액(원)",
    "receipt_id": "신청 번호",
    "status": "상태",
    "donor_kind": "기부자 구분",
    "id_number": "주민등록번호/사업자등록번호",
    "address": "기부자 주소",
    "donation_year": "기부 연도",
    "gift_count": "기부 횟수",
    "first_gift_on": "첫 기부일",
    "last_gift_on": "마지막 기부일",
    "corrected_at": "정정 시각(KST)",
    "what": "대상",
    "reference": "번호",
    "sponsor_won_returned": "후원 반환(원)",
    "gift_won_returned": "기부 반환(원)",
    "reason": "사유",
    "role": "역할",
    "sponsor": "후원사",
}


def heading(key: str) -> str:
    return HEADINGS.get(key, key)


def for_people(document: ExportDocument) -> ExportDocument:
    """The same document with Korean headings on its summary, sheets and columns."""
    return replace(
        document,
        summary_title=heading(document.summary_title),
        summary=[
            SummaryItem(heading(item.label), item.value, item.kind)
            for item in document.summary_items
        ],
        sheets=[
            Sheet(
                heading(sheet.title),
                tuple(Column(heading(column.name), column.kind) for column in sheet.columns),
                sheet.rows,
                stream=sheet.stream,
            )
            for sheet in document.sheets
        ],
    )
