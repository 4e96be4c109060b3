from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "commonwatch.accounts"
    label = "accounts"

    def ready(self) -> None:
        from allauth.account.signals import password_changed, password_reset, password_set
        from allauth.mfa.signals import authenticator_added
        from django.contrib.auth.signals import user_logged_in, user_logged_out

        from . import live, mail_caps, policies, second_factor, services, tasks  # noqa: F401 - actions, outbox handlers

        user_logged_in.connect(services.record_staff_sign_in, dispatch_uid="audit_staff_sign_in")
        # Where the owner signs in from still gets codes and reset e-mails past their caps.
        user_logged_in.connect(mail_caps.remember_sign_in, dispatch_uid="login_code_home")
        authenticator_added.connect(second_factor.record_enrolment, dispatch_uid="enrolment")
        # Open live sockets follow their account (accounts.live), whoever ends a session.
        user_logged_out.connect(live.on_signed_out, dispatch_uid="live_signed_out")
        for signal in (password_changed, password_reset, password_set):
            signal.connect(live.on_password_changed, dispatch_uid=f"live_{id(signal)}")
