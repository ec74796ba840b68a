"""The evidence tests' world: a program whose items ask for photos."""

import pytest

from tests.bootcamp.photos import EvidenceCamp


@pytest.fixture
def camp(db):
    return EvidenceCamp()
