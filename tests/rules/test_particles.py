"""Particles by the final sound of the word before them."""

from __future__ import annotations

import pytest

from campaign.rules.particles import final_consonant, particle, resolve_particles, with_particle


@pytest.mark.parametrize(
    ("word", "which", "expected"),
    [
        ("냥냥이", "이", "냥냥이가"),
        ("댕댕팀", "이", "댕댕팀이"),
        ("냥냥이", "가", "냥냥이가"),
        ("사과", "을", "사과를"),
        ("나무", "를", "나무를"),
        ("도장", "을", "도장을"),
        ("챌린지", "은", "챌린지는"),
        ("캠페인", "는", "캠페인은"),
        ("서울", "으로", "서울로"),  # ㄹ takes 로
        ("부산", "으로", "부산으로"),
        ("바다", "로", "바다로"),
        ("강아지", "과", "강아지와"),
        ("고양이팀", "와", "고양이팀과"),
        ("봄", "이에요", "봄이에요"),
        ("여름", "이에요", "여름이에요"),
        ("가을", "예요", "가을이에요"),
        ("겨울", "이에요", "겨울이에요"),
        ("나무", "이에요", "나무예요"),
        ("2026", "이", "2026이"),  # 육 → 이
        ("10", "이", "10이"),  # 십 → 이
        ("3", "을", "3을"),  # 삼 → 을
        ("2", "을", "2를"),  # 이 → 를
        ("1", "으로", "1로"),  # 일: ㄹ takes 로
        ("team", "이", "team이"),
        ("Kakao", "이", "Kakao가"),
        ("“숲 살리기”", "이", "“숲 살리기”가"),
        ("“나무 심기”", "이", "“나무 심기”가"),
        ("“도장”", "을", "“도장”을"),
        ("user@example.com", "으로", "user@example.com으로"),
    ],
)
def test_particle_follows_the_last_sound(word: str, which: str, expected: str) -> None:
    assert with_particle(word, which) == expected


def test_a_word_whose_sound_cannot_be_told_keeps_both_forms() -> None:
    assert particle("🐶", "이") == "이(가)"
    assert particle("", "을") == "을(를)"
    assert particle("🐱", "으로") == "(으)로"


@pytest.mark.parametrize(
    ("char", "expected"),
    [("가", ""), ("각", "ㄱ"), ("갈", "ㄹ"), ("ㅎ", None), ("!", None)],
)
def test_final_consonant(char: str, expected: str | None) -> None:
    assert final_consonant(char) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("“나무 심기”이(가) 승인됐어요.", "“나무 심기”가 승인됐어요."),
        ("“숲”이(가) 승인됐어요.", "“숲”이 승인됐어요."),
        ("홍길동 님의 역할이 관리자(으)로 바뀌었어요.", "홍길동 님의 역할이 관리자로 바뀌었어요."),
        ("역할이 크루(으)로 바뀌었어요.", "역할이 크루로 바뀌었어요."),
        ("a@b.kr(으)로 보냈어요.", "a@b.kr로 보냈어요."),
        ("a@b.com(으)로 보냈어요.", "a@b.com으로 보냈어요."),
        ("<strong>냥냥이</strong>이(가) 312표 앞서요", "<strong>냥냥이</strong>가 312표 앞서요"),
        ("도장을(를) 모아요", "도장을 모아요"),  # the marker is the particle, never doubled
        ("🐶이(가) 앞서요", "🐶이(가) 앞서요"),
        ("no markers here", "no markers here"),
    ],
)
def test_resolve_particles(text: str, expected: str) -> None:
    assert resolve_particles(text) == expected
