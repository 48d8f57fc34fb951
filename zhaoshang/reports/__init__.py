"""The generated reports (DESIGN §5): read the marts, render .docx from templates/, write charts and trace workbooks."""
