import pytest

from commonwatch.community.tests.factories import CENTER, moderator, resident_at


@pytest.fixture
def author(db):
    """A resident at the centre of the test neighborhood, whose posts get moderated."""
    return resident_at(*CENTER)


@pytest.fixture
def mod(db):
    """A member of a moderation team."""
    return moderator()
