"""A minimal OpenID provider (django-oauth-toolkit), run as a process of its
own by the single sign-on browser tests (tests/e2e/test_single_sign_on.py)."""
