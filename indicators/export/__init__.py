"""Export: chart images, their alt text, and the data package."""
