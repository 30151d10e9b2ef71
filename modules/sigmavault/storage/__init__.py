"""Disks, pools and datasets: planning is pure, probing and applying run the real tools."""
