"""All UI text, in one package (Simplified Chinese, the official client's own words from the
seed manuals). One module per area; an English catalog can sit beside as ``strings/en/``.

Use: ``from sbtui.tui.strings import login as S`` then ``S.TITLE``.
"""
