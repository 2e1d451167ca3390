"""Build step for the wheel and sdist (metadata lives in pyproject.toml).

The repository keeps templates/, static/ and sessions/ at its top level, as the project asked; an installed app
needs them inside the package, with the translation catalogues compiled. This copies them into the build.
"""

import importlib.util
import shutil
from pathlib import Path

from setuptools import setup
from setuptools.command.build_py import build_py

HERE = Path(__file__).resolve().parent
TOP_LEVEL_DATA = ("templates", "static", "sessions")


def _compile_catalogues(folder: Path) -> None:
    spec = importlib.util.spec_from_file_location("_catalogues", HERE / "facilitation" / "catalogues.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    module.compile_catalogues(folder, only_stale=False)


class BuildWithAppFiles(build_py):
    def run(self):
        super().run()
        if getattr(self, "editable_mode", False):
            return  # an editable install runs from the checkout, where the code finds these folders itself
        package = Path(self.build_lib) / "facilitation"
        for name in TOP_LEVEL_DATA:
            shutil.copytree(HERE / name, package / name, dirs_exist_ok=True)
        translations = package / "translations"
        shutil.copytree(
            HERE / "facilitation" / "translations",
            translations,
            dirs_exist_ok=True,
            ignore=shutil.ignore_patterns("*.mo"),
        )
        _compile_catalogues(translations)
        for source in [*translations.rglob("*.po"), *translations.rglob("*.pot")]:
            source.unlink()  # the wheel carries compiled catalogues; the sources stay in the sdist


setup(cmdclass={"build_py": BuildWithAppFiles})
