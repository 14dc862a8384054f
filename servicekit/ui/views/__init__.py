"""Small reusable views."""
