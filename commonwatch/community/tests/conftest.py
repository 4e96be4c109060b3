import pytest

from commonwatch.community.tests.factories import CENTER, resident_at


@pytest.fixture
def author(db):
    """A resident living at the centre of the test neighborhood."""
    return resident_at(*CENTER)


@pytest.fixture
def neighbor(db):
    """A resident about 300 m north of the author, well inside each other's circles."""
    return resident_at(CENTER[0] + 0.003, CENTER[1])
