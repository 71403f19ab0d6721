"""The Qt layer: the only package (with app.py) that imports PySide6 (house rule 1)."""
