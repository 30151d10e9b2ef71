"""Keys made once per test session: generating post-quantum keys is quick, but not free."""

import pytest

from sigmavault.crypto import generate_identity, parse_identity, recipient_of


class Key:
    def __init__(self, profile: str):
        self.secret = generate_identity(profile)
        self.recipient = recipient_of(self.secret)
        self.profile = profile

    def opener(self):
        return lambda: [parse_identity(self.secret)]


@pytest.fixture(scope="session")
def node():
    return Key("mlkem768x25519")


@pytest.fixture(scope="session")
def recovery():
    return Key("mlkem768x25519")


@pytest.fixture(scope="session")
def stranger():
    return Key("mlkem768x25519")


@pytest.fixture(scope="session", params=["mlkem768x25519", "mlkem1024p384"])
def any_profile_key(request):
    return Key(request.param)
