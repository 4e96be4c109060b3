from django.apps import AppConfig


class CamerasConfig(AppConfig):
    name = "commonwatch.cameras"
    label = "cameras"

    def ready(self) -> None:
        """Plug clips into the media pipeline: media never imports cameras."""
        from commonwatch.accounts import closing as accounts_closing
        from commonwatch.media import hooks as media_hooks

        from . import clip_policies, clips  # noqa: F401 - the clips action

        media_hooks.video_rules.append(clips.video_rules_hook)
        media_hooks.ready.append(clips.ready_hook)
        media_hooks.refused.append(clips.refused_hook)
        media_hooks.served_elsewhere.append(clips.is_clip_hook)
        media_hooks.kept_names.append(clips.unfinished_parts_hook)
        accounts_closing.closing_steps.append(clips.close_owner_hook)
        accounts_closing.closing_summaries.append(clips.closing_summary_hook)
