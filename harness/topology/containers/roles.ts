// Every clause that provides its roles in containers registers them here; one line per file.
export {};
