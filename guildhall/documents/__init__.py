"""Official documents: .docx in the GB/T 9704-2012 layout and PDF from the same file.

A plain package (no Django): `writer.OfficialDocument` writes the .docx with python-docx,
`pdf.convert` turns it into PDF with LibreOffice headless, `numbers` writes the document
number and dates the way official documents do.
"""
