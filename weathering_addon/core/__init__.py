"""Pure-Python core of the extension: importable and testable without Blender."""
