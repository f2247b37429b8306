# Sourced by the kernel scripts: download Debian kernel packages into $dir
# once and extract single files from them. The caller sets dir (an absolute
# cache directory) and me (its name, for messages).

fetch() { # package name -> path of its .deb in $dir
	local pkg=$1 deb
	deb=$(ls "$dir"/"${pkg}"_*.deb 2>/dev/null | head -n1 || true)
	if [[ -z $deb ]]; then
		if ! apt-cache show "$pkg" >/dev/null 2>&1; then
			echo "$me: $pkg unknown to apt; running apt-get update" >&2
			apt-get update -qq
		fi
		(cd "$dir" && apt-get download -q "$pkg" >&2)
		deb=$(ls "$dir"/"${pkg}"_*.deb | head -n1)
	fi
	echo "$deb"
}

extract() { # deb, path inside it
	local deb=$1 path=$2
	if [[ ! -s $dir/$path ]]; then
		echo "$me: extracting $path" >&2
		# Into a scratch dir first, so an interrupted run leaves no half file.
		local tmp
		tmp=$(mktemp -d "$dir/.extract.XXXXXX")
		(cd "$tmp" && dpkg-deb --fsys-tarfile "$deb" | tar x "./$path")
		mkdir -p "$(dirname "$dir/$path")"
		mv "$tmp/$path" "$dir/$path"
		rm -rf "$tmp"
	fi
}
