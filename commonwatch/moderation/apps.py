from django.apps import AppConfig


class ModerationConfig(AppConfig):
    name = "commonwatch.moderation"
    label = "moderation"

    def ready(self) -> None:
        """Plug moderation into community's hooks: community never imports moderation."""
        from commonwatch.accounts import adapters, closing
        from commonwatch.community import hooks

        from . import notices, pace, penalties, policies, selectors, services, views  # noqa: F401 - policies: actions

        notices.declare()
        hooks.posting_pauses.append(penalties.pause_notice)
        hooks.paces.append(pace.require_pace)
        hooks.post_changed.append(services.withdraw_appeals)
        hooks.edit_reviews.append(services.flags_hold_edit)
        hooks.post_page_panels.append(views.flag_panel)
        hooks.post_page_panels.append(views.review_panel)
        hooks.post_page_panels.append(views.appeal_panel)
        hooks.rejection_rules.append(selectors.cited_rule)
        hooks.text_stopped.append(services.record_check_stops)
        hooks.edit_replaced.append(services.carry_edit_claim)
        closing.closing_steps.append(services.close_appellant)
        adapters.landing_pages.append(views.moderators_landing)
