"""The terminal face: thin click commands over ``supple.services``, rendered with Rich."""
