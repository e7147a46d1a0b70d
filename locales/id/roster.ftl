## Roster and categories files: problems found while reading them, and the import summary.
## Every problem message gets $line, $field, $value and $first_line (some use fewer).

roster-error-file-unreadable = File tidak dapat dibaca ({ $value }). Simpan sebagai CSV (UTF-8) atau Excel (.xlsx).
roster-error-file-xls = File Excel format lama (.xls) tidak didukung. Buka di Excel, lalu Simpan Sebagai .xlsx atau CSV.
roster-error-file-empty = File kosong: tidak ada judul kolom maupun data.
roster-error-roster-empty = Baris { NUMBER($line, useGrouping: 0) }: ada judul kolom, tetapi tidak ada data di bawahnya.
roster-error-missing-column = Baris { NUMBER($line, useGrouping: 0) }: kolom wajib tidak ditemukan: { $field }. Kolom yang ada: { $value }.
roster-error-nrp-empty = Baris { NUMBER($line, useGrouping: 0) }: NRP kosong.
roster-error-nrp-not-digits = Baris { NUMBER($line, useGrouping: 0) }: NRP "{ $value }" harus berupa angka (8 digit).
roster-error-nrp-length = Baris { NUMBER($line, useGrouping: 0) }: NRP "{ $value }" harus 8 digit (NIP PNS: 18 digit).
roster-error-nrp-duplicate = Baris { NUMBER($line, useGrouping: 0) }: NRP { $value } sudah ada di baris { NUMBER($first_line, useGrouping: 0) }.
roster-error-name-empty = Baris { NUMBER($line, useGrouping: 0) }: nama kosong.
roster-error-unit-empty = Baris { NUMBER($line, useGrouping: 0) }: satuan kosong.
roster-error-rank-unknown = Baris { NUMBER($line, useGrouping: 0) }: pangkat "{ $value }" tidak dikenal (contoh: Bripda, Briptu, Brigpol, Bripka, Aipda, Aiptu, Ipda, AKP, Kompol, AKBP, PNS).
roster-error-category-unknown = Baris { NUMBER($line, useGrouping: 0) }: kategori "{ $value }" tidak dikenal. Kategori yang ada: { $known }. Periksa ejaannya, atau impor kategorinya dulu.
roster-error-phone-empty = Baris { NUMBER($line, useGrouping: 0) }: nomor telepon kosong.
roster-error-phone-invalid = Baris { NUMBER($line, useGrouping: 0) }: nomor telepon "{ $value }" tidak valid (contoh: 0812-3456-7890 atau +62 812 3456 7890).
roster-error-role-unknown = Baris { NUMBER($line, useGrouping: 0) }: peran "{ $value }" tidak dikenal (anggota, komandan, atau admin).
roster-error-category-code-invalid = Baris { NUMBER($line, useGrouping: 0) }: kode kategori "{ $value }" tidak valid (2–16 karakter: A–Z, 0–9, atau _).
roster-error-category-name-empty = Baris { NUMBER($line, useGrouping: 0) }: nama kategori kosong.
roster-error-category-personnel-invalid = Baris { NUMBER($line, useGrouping: 0) }: jumlah personel "{ $value }" harus berupa angka.
roster-error-category-reserve-unknown = Baris { NUMBER($line, useGrouping: 0) }: kategori cadangan "{ $value }" tidak dikenal (harus kategori lain di file ini atau yang sudah ada).
roster-error-category-duplicate = Baris { NUMBER($line, useGrouping: 0) }: kode kategori { $value } sudah ada di baris { NUMBER($first_line, useGrouping: 0) }.
roster-error-file-binary = File ini bukan CSV atau Excel (.xlsx): isinya biner. Simpan daftar personel sebagai CSV (UTF-8) atau .xlsx.
roster-error-sheet-missing = Lembar "{ $value }" tidak ada di file Excel. Lembar yang ada: { $known }.
roster-error-no-sheet-has-columns = Tidak ada lembar dengan kolom wajib (nrp, nama, pangkat, kategori, satuan, telepon). Lembar yang ada: { $known }. Pilih lembarnya dengan --sheet NAMA, atau perbaiki judul kolomnya.
roster-error-nrp-leading-zero = Baris { NUMBER($line, useGrouping: 0) }: NRP "{ $value }" hanya 7 digit: kemungkinan Excel membuang angka 0 di depan (0{ $value }). Format kolom NRP sebagai Teks, atau impor dengan --nrp-pad.

roster-import-summary = Impor selesai: { $added } baru, { $updated } diperbarui, { $unchanged } tetap, { $deactivated } dinonaktifkan, { $reactivated } diaktifkan kembali.{ $skipped ->
        [0] { "" }
       *[other] { " " }{ $skipped } masalah: baris bermasalah tidak diimpor.
    }
