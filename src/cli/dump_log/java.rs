//! The Java side of `kafka-dump-log.sh`: how `java.io.File` names a path, the exceptions that
//! escape `DumpLogSegments.main`, Java's number parsing, and stdout written with `print` and
//! `println`.
//!
//! Kafka 4.1's tool is the Scala object `kafka.tools.DumpLogSegments`, whose `main` catches
//! nothing: an exception ends the run, and the JVM prints `Exception in thread "main"` and the
//! exception's `toString` (its class and message) before the stack trace, with exit status 1.

use crate::cli::Output;

/// Why the dump stopped before its end.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) enum Failure {
    /// An exception escaped `main`, shown as `Throwable.toString` shows it.
    Java {
        class: &'static str,
        message: Option<String>,
    },
    /// Something the real tool would do that the playground cannot (e.g. decompress gzip).
    Playground(String),
}

impl Failure {
    pub(super) fn java(class: &'static str, message: impl Into<String>) -> Self {
        Failure::Java {
            class,
            message: Some(message.into()),
        }
    }

    /// An exception thrown without a message (`new NoSuchElementException()`).
    pub(super) fn bare(class: &'static str) -> Self {
        Failure::Java {
            class,
            message: None,
        }
    }

    /// What the JVM prints on stderr for an uncaught exception (the stack frames left out).
    pub(super) fn describe(&self) -> String {
        match self {
            Failure::Java {
                class,
                message: Some(message),
            } => format!("Exception in thread \"main\" {class}: {message}"),
            Failure::Java {
                class,
                message: None,
            } => format!("Exception in thread \"main\" {class}"),
            Failure::Playground(message) => format!("kafka-dump-log.sh: {message}"),
        }
    }
}

pub(super) type Outcome<T = ()> = Result<T, Failure>;

pub(super) const NO_SUCH_FILE: &str = "java.nio.file.NoSuchFileException";
pub(super) const STRING_INDEX: &str = "java.lang.StringIndexOutOfBoundsException";
pub(super) const NUMBER_FORMAT: &str = "java.lang.NumberFormatException";
pub(super) const ILLEGAL_ARGUMENT: &str = "java.lang.IllegalArgumentException";
pub(super) const INDEX_OUT_OF_BOUNDS: &str = "java.lang.IndexOutOfBoundsException";
pub(super) const NO_SUCH_ELEMENT: &str = "java.util.NoSuchElementException";
pub(super) const NULL_POINTER: &str = "java.lang.NullPointerException";
pub(super) const BUFFER_UNDERFLOW: &str = "java.nio.BufferUnderflowException";
pub(super) const CLASS_NOT_FOUND: &str = "java.lang.ClassNotFoundException";
pub(super) const KAFKA: &str = "org.apache.kafka.common.KafkaException";
pub(super) const CORRUPT_RECORD: &str = "org.apache.kafka.common.errors.CorruptRecordException";
pub(super) const INVALID_RECORD: &str = "org.apache.kafka.common.InvalidRecordException";
pub(super) const CORRUPT_INDEX: &str =
    "org.apache.kafka.storage.internals.log.CorruptIndexException";

/// The playground has no working directory; a relative path is taken from `/`.
const WORKING_DIRECTORY: &str = "/";

/// A path as `java.io.File` holds it: `UnixFileSystem.normalize` collapses repeated slashes and
/// drops a trailing one, and nothing else (`.` and `..` stay).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct JavaFile {
    path: String,
}

impl JavaFile {
    pub(super) fn new(pathname: &str) -> Self {
        let mut path = String::with_capacity(pathname.len());
        for c in pathname.chars() {
            if c == '/' && path.ends_with('/') {
                continue;
            }
            path.push(c);
        }
        if path.len() > 1 && path.ends_with('/') {
            path.pop();
        }
        JavaFile { path }
    }

    /// `File.toString`: the normalized path as given.
    pub(super) fn path(&self) -> &str {
        &self.path
    }

    /// `File.getName`: everything after the last '/'.
    pub(super) fn name(&self) -> &str {
        self.path.rsplit('/').next().unwrap_or_default()
    }

    /// `File.getAbsolutePath`.
    pub(super) fn absolute(&self) -> String {
        if self.path.starts_with('/') {
            self.path.clone()
        } else {
            child_of(WORKING_DIRECTORY, &self.path)
        }
    }

    /// `new File(file.getAbsoluteFile.getParent, name)`: a file beside this one.
    pub(super) fn sibling(&self, name: &str) -> JavaFile {
        let absolute = self.absolute();
        let parent = match absolute.rfind('/') {
            Some(0) | None => "/",
            Some(at) => &absolute[..at],
        };
        JavaFile::new(&child_of(parent, name))
    }

    /// `file.getName.split("\\.")(0)`: the name up to its first '.' (DumpLogSegments reads the
    /// base offset from it).
    pub(super) fn stem(&self) -> &str {
        let name = self.name();
        name.split('.').next().unwrap_or_default()
    }
}

/// `UnixFileSystem.resolve(parent, child)`.
fn child_of(parent: &str, child: &str) -> String {
    if child.is_empty() {
        parent.to_string()
    } else if parent == "/" {
        format!("/{child}")
    } else {
        format!("{parent}/{child}")
    }
}

/// `filename.substring(filename.lastIndexOf("."))`: the suffix DumpLogSegments switches on, or
/// the `StringIndexOutOfBoundsException` that `substring(-1)` throws for a name without a '.'.
pub(super) fn suffix(name: &str) -> Outcome<&str> {
    match name.rfind('.') {
        Some(at) => Ok(&name[at..]),
        None => {
            let length = name.encode_utf16().count();
            Err(Failure::java(
                STRING_INDEX,
                format!("begin -1, end {length}, length {length}"),
            ))
        }
    }
}

/// `Long.parseLong`, with its `NumberFormatException`.
pub(super) fn parse_long(text: &str) -> Outcome<i64> {
    text.parse()
        .map_err(|_| Failure::java(NUMBER_FORMAT, format!("For input string: \"{text}\"")))
}

/// `Integer.parseInt`, with its `NumberFormatException`.
pub(super) fn parse_int(text: &str) -> Outcome<i32> {
    text.parse()
        .map_err(|_| Failure::java(NUMBER_FORMAT, format!("For input string: \"{text}\"")))
}

/// `OptionalLong.toString`.
pub(super) fn optional_long(value: Option<i64>) -> String {
    match value {
        Some(v) => format!("OptionalLong[{v}]"),
        None => "OptionalLong.empty".to_string(),
    }
}

/// `new String(bytes, UTF_8)`: malformed input becomes U+FFFD.
pub(super) fn utf8(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

/// Stdout as the tool writes it with `print` and `println`: a line is complete only at its
/// `println`. Anything written to stderr, or an exception, first ends a partly printed line (a
/// terminal would show the stderr text right after it).
pub(super) struct Console<'a> {
    output: &'a mut Output,
    line: String,
}

impl<'a> Console<'a> {
    pub(super) fn new(output: &'a mut Output) -> Self {
        Console {
            output,
            line: String::new(),
        }
    }

    pub(super) fn print(&mut self, text: &str) {
        self.line.push_str(text);
    }

    pub(super) fn println(&mut self, text: &str) {
        self.line.push_str(text);
        self.output.out(std::mem::take(&mut self.line));
    }

    /// `System.err.println`.
    pub(super) fn err(&mut self, text: impl Into<String>) {
        self.flush();
        self.output.err(text);
    }

    /// Ends the run with an uncaught exception: exit status 1.
    pub(super) fn fail(&mut self, failure: &Failure) {
        self.flush();
        self.output.fail(failure.describe());
    }

    /// Ends the run with exit status 1 after what was already printed (`Exit.exit(1)`).
    pub(super) fn fail_quietly(&mut self) {
        self.flush();
        self.output.failed = true;
    }

    /// Pushes a partly printed line out as it is.
    pub(super) fn flush(&mut self) {
        if !self.line.is_empty() {
            self.output.out(std::mem::take(&mut self.line));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn files_are_named_as_java_names_them() {
        let file = JavaFile::new("/tmp//logs/orders-0/00000000000000000000.log/");
        assert_eq!(file.path(), "/tmp/logs/orders-0/00000000000000000000.log");
        assert_eq!(file.name(), "00000000000000000000.log");
        assert_eq!(file.stem(), "00000000000000000000");
        assert_eq!(
            file.sibling("00000000000000000000.index").path(),
            "/tmp/logs/orders-0/00000000000000000000.index"
        );
        let relative = JavaFile::new("orders-0/x.log");
        assert_eq!(relative.absolute(), "/orders-0/x.log");
        assert_eq!(JavaFile::new("x.index").sibling("x.log").path(), "/x.log");
        assert_eq!(JavaFile::new("").name(), "");
    }

    #[test]
    fn suffixes_and_numbers_fail_as_java_does() {
        assert_eq!(suffix("a.b.log"), Ok(".log"));
        assert_eq!(
            suffix("leader-epoch-checkpoint").unwrap_err().describe(),
            "Exception in thread \"main\" java.lang.StringIndexOutOfBoundsException: \
             begin -1, end 23, length 23"
        );
        assert_eq!(parse_long("+7"), Ok(7));
        assert_eq!(
            parse_long("").unwrap_err().describe(),
            "Exception in thread \"main\" java.lang.NumberFormatException: For input string: \"\""
        );
        assert_eq!(optional_long(Some(5)), "OptionalLong[5]");
    }
}
