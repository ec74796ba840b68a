from oauth2_provider.oauth2_validators import OAuth2Validator


class EmailClaimsValidator(OAuth2Validator):
    """Puts the user's email in the ID token and the user info (scope `email`)."""

    def get_additional_claims(self, request):
        return {"email": request.user.email}
