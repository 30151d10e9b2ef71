"""Local accounts and groups declared under sigmavault.users, and their SMB passwords in the Samba passdb."""
