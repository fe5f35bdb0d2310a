from django.apps import AppConfig


class DirectoryConfig(AppConfig):
    name = "directory"
    verbose_name = "Member directory"

    def ready(self):
        # In ready(): the models exist only once the app registry is loaded.
        from cms.page_cache import invalidate_on

        from .models import Place, PostcodeDistrict, Sector, Skill, SkillGroup

        # Profiles, the directory and the showcase show these by name: a
        # rename, an addition or a removal empties the page cache.
        invalidate_on(Skill, SkillGroup, Sector, Place, PostcodeDistrict)
