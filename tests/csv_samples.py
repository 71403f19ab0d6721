"""CSV exports made on the fly: the large ones the import must take in one go.

The small hand-written samples live in tests/data/csv/. A large export here looks like
a French Excel save of a page's comments: ";" between columns, Windows-1252, dates as
dd/mm/yyyy hh:mm, one author among a few thousand, a link per message.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from pathlib import Path

DATA = Path(__file__).resolve().parent / "data" / "csv"
HEADER = "Date;Réseau;Auteur;Message;Lien"
_MESSAGES = (
    "Colis toujours pas reçu, commande n°{n}, c'est la troisième relance",
    "Merci pour l'accueil ce matin, la tarte au citron était parfaite (n°{n})",
    "Vous ouvrez le lundi de Pâques ? Question n°{n}",
    "Ce serait bien d'avoir des baguettes aux céréales le dimanche, idée n°{n}",
    "Le pain de campagne a encore augmenté : 4,20 € ! Ticket n°{n}",
)
_NETWORKS = ("Facebook", "Instagram", "Twitter", "LinkedIn")
_START = datetime(2025, 1, 6, 8, 0)


def export_line(n: int, authors: int = 3000) -> str:
    """Row `n` of a large export (0-based); every row differs from every other one."""
    at = _START + timedelta(minutes=7 * n)
    network = _NETWORKS[n % len(_NETWORKS)]
    message = _MESSAGES[n % len(_MESSAGES)].format(n=n)
    link = f"https://www.facebook.com/boulangerielea/posts/{100000 + n}"
    return f"{at:%d/%m/%Y %H:%M};{network};@client_{n % authors};{message};{link}"


def write_export(path: Path, rows: int, *, last_line: str | None = None) -> Path:
    """`rows` data rows (the last one replaced by `last_line` if given), as Excel
    writes them: CRLF line ends, Windows-1252."""
    lines = [HEADER, *(export_line(n) for n in range(rows))]
    if last_line is not None:
        lines[-1] = last_line
    path.write_bytes(("\r\n".join(lines) + "\r\n").encode("cp1252"))
    return path
