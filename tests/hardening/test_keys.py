"""The approval form's verification code is signed with APPROVAL_FORM_KEY, not SECRET_KEY: rotating the
site's secret voids no printed form; retired form keys (APPROVAL_FORM_KEY_FALLBACKS) still verify."""
from reports.selectors import document_verify, verification_code
from tests.reports.conftest import person, start_onboarding


def test_rotating_secret_key_keeps_the_code(demo, settings):
    process = start_onboarding()
    code = verification_code(process)
    settings.SECRET_KEY = "a-completely-different-secret-key-after-rotation-0123456789"
    assert verification_code(process) == code
    assert document_verify(user=person("zz_manager"), number=process.number, code=code).status == "ok"


def test_the_form_key_signs_the_code(demo, settings):
    process = start_onboarding()
    printed, retired = verification_code(process), settings.APPROVAL_FORM_KEY
    settings.APPROVAL_FORM_KEY_FALLBACKS = []
    settings.APPROVAL_FORM_KEY = "new-form-key"
    assert verification_code(process) != printed
    assert document_verify(user=person("zz_manager"), number=process.number, code=printed).status == "mismatch"
    settings.APPROVAL_FORM_KEY_FALLBACKS = [retired]
    assert document_verify(user=person("zz_manager"), number=process.number, code=printed).status == "ok"
