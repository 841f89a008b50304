from campaign.rules.draw import draw, draw_seed, ticket


def test_same_ledger_same_winners() -> None:
    seed = draw_seed("ab" * 32, "dangnyang-fight")
    candidates = list(range(1, 501))
    first = draw(seed, candidates, 20)
    assert first == draw(seed, list(reversed(candidates)), 20)  # order of input is irrelevant
    assert len(first) == 20 and len(set(first)) == 20
    assert set(first) <= set(candidates)


def test_a_different_ledger_gives_different_winners() -> None:
    candidates = list(range(1, 501))
    a = draw(draw_seed("ab" * 32, "x"), candidates, 20)
    b = draw(draw_seed("cd" * 32, "x"), candidates, 20)
    assert a != b


def test_winners_are_the_lowest_tickets() -> None:
    seed = draw_seed("00" * 32, "x")
    candidates = [5, 9, 13, 21]
    expected = sorted(candidates, key=lambda u: ticket(seed, u))[:2]
    assert draw(seed, candidates, 2) == expected


def test_fewer_candidates_than_winners_and_duplicates() -> None:
    seed = draw_seed("11" * 32, "x")
    assert sorted(draw(seed, [3, 3, 1], 20)) == [1, 3]
    assert draw(seed, [], 20) == []
    assert draw(seed, [1, 2], 0) == []
