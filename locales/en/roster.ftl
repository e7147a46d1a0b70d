## Roster and categories files: problems found while reading them, and the import summary.
## Every problem message gets $line, $field, $value and $first_line (some use fewer).

roster-error-file-unreadable = The file cannot be read ({ $value }). Save it as CSV (UTF-8) or Excel (.xlsx).
roster-error-file-xls = Old-format Excel files (.xls) are not supported. Open it in Excel and Save As .xlsx or CSV.
roster-error-file-empty = The file is empty: no column headers and no data.
roster-error-roster-empty = Line { NUMBER($line, useGrouping: 0) }: there are column headers but no data below them.
roster-error-missing-column = Line { NUMBER($line, useGrouping: 0) }: required column not found: { $field }. Columns present: { $value }.
roster-error-nrp-empty = Line { NUMBER($line, useGrouping: 0) }: the NRP is empty.
roster-error-nrp-not-digits = Line { NUMBER($line, useGrouping: 0) }: NRP "{ $value }" must be a number (8 digits).
roster-error-nrp-length = Line { NUMBER($line, useGrouping: 0) }: NRP "{ $value }" must have 8 digits (civil servants' NIP: 18 digits).
roster-error-nrp-duplicate = Line { NUMBER($line, useGrouping: 0) }: NRP { $value } already appears on line { NUMBER($first_line, useGrouping: 0) }.
roster-error-name-empty = Line { NUMBER($line, useGrouping: 0) }: the name is empty.
roster-error-unit-empty = Line { NUMBER($line, useGrouping: 0) }: the unit is empty.
roster-error-rank-unknown = Line { NUMBER($line, useGrouping: 0) }: unknown rank "{ $value }" (e.g. Bripda, Briptu, Brigpol, Bripka, Aipda, Aiptu, Ipda, AKP, Kompol, AKBP, PNS).
roster-error-category-unknown = Line { NUMBER($line, useGrouping: 0) }: unknown category "{ $value }". Known categories: { $known }. Check the spelling, or import the category first.
roster-error-phone-empty = Line { NUMBER($line, useGrouping: 0) }: the phone number is empty.
roster-error-phone-invalid = Line { NUMBER($line, useGrouping: 0) }: phone number "{ $value }" is not valid (e.g. 0812-3456-7890 or +62 812 3456 7890).
roster-error-role-unknown = Line { NUMBER($line, useGrouping: 0) }: unknown role "{ $value }" (anggota, komandan or admin).
roster-error-category-code-invalid = Line { NUMBER($line, useGrouping: 0) }: category code "{ $value }" is not valid (2–16 capital letters, digits or _).
roster-error-category-name-empty = Line { NUMBER($line, useGrouping: 0) }: the category name is empty.
roster-error-category-personnel-invalid = Line { NUMBER($line, useGrouping: 0) }: personnel count "{ $value }" must be a number.
roster-error-category-reserve-unknown = Line { NUMBER($line, useGrouping: 0) }: unknown reserve category "{ $value }" (it must be another category in this file or one already loaded).
roster-error-category-duplicate = Line { NUMBER($line, useGrouping: 0) }: category code { $value } already appears on line { NUMBER($first_line, useGrouping: 0) }.
roster-error-file-binary = This file is not CSV or Excel (.xlsx): its content is binary. Save the roster as CSV (UTF-8) or .xlsx.
roster-error-sheet-missing = There is no sheet "{ $value }" in the workbook. Sheets: { $known }.
roster-error-no-sheet-has-columns = No sheet has the required columns (nrp, nama, pangkat, kategori, satuan, telepon). Sheets: { $known }. Pick the sheet with --sheet NAME, or fix its column headers.
roster-error-nrp-leading-zero = Line { NUMBER($line, useGrouping: 0) }: NRP "{ $value }" has only 7 digits: Excel probably dropped its leading zero (0{ $value }). Format the NRP column as Text, or import with --nrp-pad.

roster-import-summary = Import done: { $added } new, { $updated } updated, { $unchanged } unchanged, { $deactivated } deactivated, { $reactivated } reactivated.{ $skipped ->
        [0] { "" }
       *[other] { " " }{ $skipped } problems: the rows with problems were not imported.
    }
