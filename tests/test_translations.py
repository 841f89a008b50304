from campaign.translations.catalog import extract, load, missing


def test_every_string_has_korean() -> None:
    assert missing(extract(), load()) == []
