from django.apps import AppConfig

from .presenters import register_presenter


class DirectoryConfig(AppConfig):
    name = "directory"
    verbose_name = "Member directory"

    def ready(self):
        # Imported here, not at the top: they use the models, which Django
        # loads only after every app's config (this module) is imported.
        from cms.page_cache import invalidate_on, invalidate_on_taxonomy

        from . import profile
        from .models import (
            CompanyPage,
            Place,
            PostcodeDistrict,
            Production,
            Sector,
            Skill,
            SkillGroup,
        )

        # A company's page: its profile and its enquiry form (directory/presenters.py).
        register_presenter(
            CompanyPage,
            profile.profile_context,
            enquiry=profile.enquiry,
            enquiry_sent=profile.enquiry_sent,
        )
        # Profiles, the directory and the showcase show these by name: a
        # rename, an addition or a removal empties the page cache, and
        # forgets what is kept under the taxonomy epoch; kept cards stay and
        # swap in the current rows (directory.models.with_current_taxonomy).
        invalidate_on_taxonomy(Skill, SkillGroup, Sector, Place, PostcodeDistrict)
        # A production's page shows its record; merging moves credits.
        invalidate_on(Production)
