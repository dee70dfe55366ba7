"""Case bundles: human-writable YAML or JSON files holding a whole incident (docs/bundle.md)."""

from habeas.bundle.document import FORMAT_VERSION, BundleDocument
from habeas.bundle.load import bundle_from_data, load_bundle, parse_bundle

__all__ = ["FORMAT_VERSION", "BundleDocument", "bundle_from_data", "load_bundle", "parse_bundle"]
