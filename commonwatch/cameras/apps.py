from django.apps import AppConfig


class CamerasConfig(AppConfig):
    name = "commonwatch.cameras"
    label = "cameras"

    def ready(self) -> None:
        """Plug clips into the media pipeline (media never imports cameras), and let
        closing an account take its cameras and clips."""
        from commonwatch.accounts import closing
        from commonwatch.media import hooks as media_hooks

        from . import clip_policies, clips, policies, services  # noqa: F401 - actions
        from .imports import policies as import_policies  # noqa: F401 - the import action
        from .imports import services as import_services  # its handlers, and its files

        media_hooks.video_rules.append(clips.video_rules_hook)
        media_hooks.ready.append(clips.ready_hook)
        media_hooks.refused.append(clips.refused_hook)
        media_hooks.served_elsewhere.append(clips.is_clip_hook)
        media_hooks.kept_names.append(clips.unfinished_parts_hook)
        media_hooks.kept_names.append(import_services.waiting_bytes_hook)
        closing.closing_steps.append(services.close_camera_owner)
        closing.closing_steps.append(clips.close_owner_hook)
        closing.closing_summaries.append(clips.closing_summary_hook)
