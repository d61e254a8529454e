"""Samspår: follow-up and evaluation for Swedish samordningsförbund."""
