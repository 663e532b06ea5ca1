"""The pages of the Streamlit app (``app.py``): each module has a ``render()`` function."""
