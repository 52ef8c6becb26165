//! A minimal PDF 1.4 writer for text documents: Helvetica in WinAnsi encoding, US Letter,
//! wrapped and paginated. Enough for a license; no dependency for it.

use std::fmt::Write;

use super::Line;

const WIDTH: f32 = 612.0;
const HEIGHT: f32 = 792.0;
const MARGIN: f32 = 72.0;

/// Characters that fit a line of body text at 10.5 pt (Helvetica averages ~0.5 em).
const WRAP: usize = 92;

/// WinAnsi (cp1252) for what it can show; `?` for the rest.
fn encode(text: &str) -> Vec<u8> {
    text.chars()
        .map(|c| match c {
            '—' => 0x97,
            '–' => 0x96,
            '‘' => 0x91,
            '’' => 0x92,
            '“' => 0x93,
            '”' => 0x94,
            '…' => 0x85,
            '€' => 0x80,
            c if (c as u32) < 0x80 && !c.is_control() => c as u8,
            c if (0xA0..=0xFF).contains(&(c as u32)) => c as u8,
            _ => b'?',
        })
        .collect()
}

fn literal(text: &str) -> String {
    let mut out = String::from("(");
    for b in encode(text) {
        match b {
            b'(' | b')' | b'\\' => {
                out.push('\\');
                out.push(b as char);
            }
            0x20..=0x7E => out.push(b as char),
            _ => {
                let _ = write!(out, "\\{b:03o}");
            }
        }
    }
    out.push(')');
    out
}

/// A text string for the document's metadata (`/Title`): PDF reads those as PDFDocEncoding
/// unless they start with the UTF-16BE byte order mark, so a dash or an accent written in
/// WinAnsi shows as another character in a viewer's title bar. UTF-16BE shows every character.
fn text_string(text: &str) -> String {
    let mut out = String::from("<FEFF");
    for unit in text.encode_utf16() {
        let _ = write!(out, "{unit:04X}");
    }
    out.push('>');
    out
}

fn wrap(text: &str, width: usize) -> Vec<String> {
    let mut lines = Vec::new();
    let mut current = String::new();
    for word in text.split_whitespace() {
        if !current.is_empty() && current.chars().count() + 1 + word.chars().count() > width {
            lines.push(std::mem::take(&mut current));
        }
        if !current.is_empty() {
            current.push(' ');
        }
        current.push_str(word);
    }
    lines.push(current);
    lines
}

/// Lays the lines out as page content streams: (font, size, text, gap before).
fn pages(lines: &[Line]) -> Vec<String> {
    let mut pages = vec![String::new()];
    let mut y = HEIGHT - MARGIN;
    let emit = |font: &str, size: f32, text: &str, pages: &mut Vec<String>, y: &mut f32| {
        let leading = size * 1.4;
        if *y - leading < MARGIN {
            pages.push(String::new());
            *y = HEIGHT - MARGIN;
        }
        *y -= leading;
        let page = pages.last_mut().expect("a page");
        let _ = writeln!(
            page,
            "BT /{font} {size} Tf {MARGIN} {y:.1} Td {} Tj ET",
            literal(text)
        );
    };
    for line in lines {
        match line {
            Line::Title(t) => emit("F2", 18.0, t, &mut pages, &mut y),
            Line::Heading(h) => emit("F2", 12.0, h, &mut pages, &mut y),
            Line::Text(t) => {
                for part in wrap(t, WRAP) {
                    emit("F1", 10.5, &part, &mut pages, &mut y);
                }
            }
            Line::Blank => y -= 8.0,
        }
    }
    pages
}

pub fn render(lines: &[Line], title: &str) -> Vec<u8> {
    let contents = pages(lines);
    // Objects: 1 catalog, 2 pages, 3 regular font, 4 bold font, 5 info, then a page and its
    // content stream per page.
    let first_page = 6;
    let kids: Vec<String> = (0..contents.len())
        .map(|i| format!("{} 0 R", first_page + 2 * i))
        .collect();
    let mut objects: Vec<Vec<u8>> = vec![
        b"<< /Type /Catalog /Pages 2 0 R >>".to_vec(),
        format!(
            "<< /Type /Pages /Kids [{}] /Count {} >>",
            kids.join(" "),
            contents.len()
        )
        .into_bytes(),
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>"
            .to_vec(),
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica-Bold /Encoding /WinAnsiEncoding >>"
            .to_vec(),
        format!("<< /Title {} /Producer (Trackout) >>", text_string(title)).into_bytes(),
    ];
    for (i, stream) in contents.iter().enumerate() {
        objects.push(
            format!(
                "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 {WIDTH} {HEIGHT}] /Contents {} 0 R /Resources << /Font << /F1 3 0 R /F2 4 0 R >> >> >>",
                first_page + 2 * i + 1
            )
            .into_bytes(),
        );
        let mut content = format!("<< /Length {} >>\nstream\n", stream.len()).into_bytes();
        content.extend_from_slice(stream.as_bytes());
        content.extend_from_slice(b"endstream");
        objects.push(content);
    }
    let mut out = b"%PDF-1.4\n%\xE2\xE3\xCF\xD3\n".to_vec();
    let mut offsets = Vec::with_capacity(objects.len());
    for (i, body) in objects.iter().enumerate() {
        offsets.push(out.len());
        out.extend_from_slice(format!("{} 0 obj\n", i + 1).as_bytes());
        out.extend_from_slice(body);
        out.extend_from_slice(b"\nendobj\n");
    }
    let xref = out.len();
    out.extend_from_slice(
        format!("xref\n0 {}\n0000000000 65535 f \n", objects.len() + 1).as_bytes(),
    );
    for offset in offsets {
        out.extend_from_slice(format!("{offset:010} 00000 n \n").as_bytes());
    }
    out.extend_from_slice(
        format!(
            "trailer\n<< /Size {} /Root 1 0 R /Info 5 0 R >>\nstartxref\n{xref}\n%%EOF\n",
            objects.len() + 1
        )
        .as_bytes(),
    );
    out
}

#[cfg(test)]
mod tests {
    use super::text_string;

    #[test]
    fn metadata_strings_are_utf16_with_a_byte_order_mark() {
        // "Night Drive — Zoë": the em dash and the ë survive, whatever the viewer.
        assert_eq!(text_string("A — ë"), "<FEFF004100202014002000EB>");
    }
}
